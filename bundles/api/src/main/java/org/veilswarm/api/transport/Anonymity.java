package org.veilswarm.api.transport;

/** How much a transport hides about who talks to whom. */
public enum Anonymity {
    /**
     * No anonymity whatsoever: every peer, tracker and observer of the network sees this node's IP address
     * and what it shares and downloads.
     */
    NONE("NOT ANONYMOUS: peers and anyone watching the network see your IP address and what you transfer"),
    /** The initiator of a connection is hidden from the other end, but the other end's location is known. */
    SENDER("hides who connects; the destination's location is known"),
    /** Both ends are hidden from each other and from the relays between them (onion services). */
    MUTUAL("hides both ends: neither side learns where the other is");

    private final String description;

    Anonymity(String description) {
        this.description = description;
    }

    /** A sentence an operator reads in the console and the logs. */
    public String description() {
        return description;
    }
}
