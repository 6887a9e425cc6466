package org.veilswarm.peerwire;

/** The messages without payload: BEP 3 keep-alive (no id at all) and state changes, BEP 6 have all/none. */
public enum Signal implements PeerMessage {
    KEEP_ALIVE(-1),
    CHOKE(MessageIds.CHOKE),
    UNCHOKE(MessageIds.UNCHOKE),
    INTERESTED(MessageIds.INTERESTED),
    NOT_INTERESTED(MessageIds.NOT_INTERESTED),
    HAVE_ALL(MessageIds.HAVE_ALL),
    HAVE_NONE(MessageIds.HAVE_NONE);

    private final int id;

    Signal(int id) {
        this.id = id;
    }

    /** The message id; -1 for keep-alive, which is a bare zero length prefix. */
    public int id() {
        return id;
    }
}
