package org.veilswarm.transport.onion.cell;

import java.util.Optional;

/**
 * Why a stream closed: the first byte of RELAY_END. "OPs and ORs MUST accept reasons not on the
 * above list", so {@link End} keeps the raw byte; "Tors SHOULD NOT send any reason except
 * REASON_MISC for a stream that they have originated."
 *
 * @see <a href="https://spec.torproject.org/tor-spec/closing-streams.html">tor-spec §6.3 Closing streams</a>
 */
public enum EndReason {
    MISC(1),
    RESOLVEFAILED(2),
    CONNECTREFUSED(3),
    EXITPOLICY(4),
    DESTROY(5),
    DONE(6),
    TIMEOUT(7),
    NOROUTE(8),
    HIBERNATING(9),
    INTERNAL(10),
    RESOURCELIMIT(11),
    CONNRESET(12),
    TORPROTOCOL(13),
    NOTDIRECTORY(14);

    private final int code;

    EndReason(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The reason with this code, empty for codes tor-spec does not list. */
    public static Optional<EndReason> fromCode(int code) {
        EndReason[] all = values();
        return code >= 1 && code <= all.length ? Optional.of(all[code - 1]) : Optional.empty();
    }
}
