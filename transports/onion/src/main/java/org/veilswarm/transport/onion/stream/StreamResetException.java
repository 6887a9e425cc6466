package org.veilswarm.transport.onion.stream;

/**
 * An open stream got RELAY_END with a reason other than DONE or MISC (tor-spec §6.3: DONE is the
 * orderly end; MISC is all an originator may say, so it reads as an orderly end too).
 */
public final class StreamResetException extends OnionStreamException {
    private static final long serialVersionUID = 1L;

    public StreamResetException(int streamId, int endReason) {
        super("stream " + streamId + " ended by the peer: END " + reasonText(endReason), endReason, null);
    }
}
