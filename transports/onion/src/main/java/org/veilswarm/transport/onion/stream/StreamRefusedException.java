package org.veilswarm.transport.onion.stream;

/**
 * The circuit's end answered RELAY_BEGIN or RELAY_BEGIN_DIR with RELAY_END (tor-spec §6.2, §6.3): e.g.
 * EXITPOLICY (no service on that port: there are no exits), NOTDIRECTORY (no directory at that relay),
 * RESOURCELIMIT, CONNECTREFUSED.
 */
public final class StreamRefusedException extends OnionStreamException {
    private static final long serialVersionUID = 1L;

    public StreamRefusedException(String target, int endReason) {
        super("stream to " + target + " refused: END " + reasonText(endReason), endReason, null);
    }
}
