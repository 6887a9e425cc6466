package org.veilswarm.peerwire;

/** A message id that none of the supported BEPs defines (BEP 3 gives no way to skip it safely). */
public final class UnknownMessageException extends PeerWireException {

    private static final long serialVersionUID = 1L;

    private final int messageId;

    public UnknownMessageException(int messageId) {
        super("unknown message id " + messageId);
        this.messageId = messageId;
    }

    public int messageId() {
        return messageId;
    }
}
