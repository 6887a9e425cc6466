package org.veilswarm.api.accounting;

/** What kind of bytes a transfer was. */
public enum TransferKind {
    /** Payload this node sent to a peer. */
    UPLOADED,
    /** Payload this node received from a peer. */
    DOWNLOADED,
    /** Bytes this node's relay forwarded for other nodes' circuits. */
    RELAYED
}
