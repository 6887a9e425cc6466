package org.veilswarm.transport.onion.stream;

/** No RELAY_CONNECTED within the channel's connect timeout; the stream was ended. */
public final class StreamConnectTimeoutException extends OnionStreamException {
    private static final long serialVersionUID = 1L;

    public StreamConnectTimeoutException(String target, long millis) {
        super("no CONNECTED from " + target + " within " + millis + " ms", -1, null);
    }
}
