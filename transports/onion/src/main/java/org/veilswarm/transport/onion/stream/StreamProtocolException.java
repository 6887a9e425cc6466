package org.veilswarm.transport.onion.stream;

/** The peer broke the stream protocol (e.g. sent DATA beyond the stream's window, tor-spec §7.4). */
public final class StreamProtocolException extends OnionStreamException {
    private static final long serialVersionUID = 1L;

    public StreamProtocolException(String message, int endReason) {
        super(message, endReason, null);
    }
}
