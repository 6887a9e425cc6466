package org.veilswarm.transport.onion.cell;

import java.util.Optional;

/**
 * Why a circuit was closed: the one-byte payload of DESTROY and RELAY_TRUNCATED. Cells keep the raw
 * byte, since other values may appear; "An OR receiving a DESTROY command should use the DESTROYED
 * reason for its next cell. An OP should always use the NONE reason for its own DESTROY cells."
 *
 * @see <a href="https://spec.torproject.org/tor-spec/tearing-down-circuits.html">tor-spec §5.4 Tearing down circuits</a>
 */
public enum DestroyReason {
    NONE(0),
    PROTOCOL(1),
    INTERNAL(2),
    REQUESTED(3),
    HIBERNATING(4),
    RESOURCELIMIT(5),
    CONNECTFAILED(6),
    OR_IDENTITY(7),
    CHANNEL_CLOSED(8),
    FINISHED(9),
    TIMEOUT(10),
    DESTROYED(11),
    NOSUCHSERVICE(12);

    private final int code;

    DestroyReason(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The reason with this code, empty for codes tor-spec does not list. */
    public static Optional<DestroyReason> fromCode(int code) {
        DestroyReason[] all = values();
        return code >= 0 && code < all.length ? Optional.of(all[code]) : Optional.empty();
    }
}
