package org.veilswarm.peerwire.metadata;

import java.util.Optional;
import java.util.Set;
import org.veilswarm.metainfo.InfoDictionary;

/**
 * What a {@link MetadataAssembler} made of a peer's message or announcement.
 *
 * @param kind     what happened
 * @param culprits peers found misbehaving (for {@link Kind#MISBEHAVED} and {@link Kind#HASH_MISMATCH}):
 *                 the caller disconnects them; the assembler never asks them again
 * @param info     the verified dictionary, for {@link Kind#COMPLETE}
 * @param reason   why, for everything but {@link Kind#ACCEPTED}
 */
public record MetadataOutcome<P>(Kind kind, Set<P> culprits, Optional<InfoDictionary> info, String reason) {

    public enum Kind {
        /** Taken; more pieces are needed. */
        ACCEPTED,
        /** Not asked for (or no longer needed); dropped without blame. */
        IGNORED,
        /** The peer cannot serve this torrent's metadata (e.g. an absurd {@code metadata_size}); not used. */
        PEER_UNUSABLE,
        /** The peer broke the protocol (e.g. a {@code total_size} other than it announced). */
        MISBEHAVED,
        /**
         * The assembled bytes do not hash to the info-hash; the attempt starts over, from one peer at a
         * time from now on so that a liar is identified.
         */
        HASH_MISMATCH,
        /** The metadata arrived and verified. */
        COMPLETE,
        /** The metadata verified but cannot be used (e.g. a v1-only torrent); nothing more is asked. */
        FAILED
    }

    public MetadataOutcome {
        culprits = Set.copyOf(culprits);
    }

    static <P> MetadataOutcome<P> of(Kind kind, String reason) {
        return new MetadataOutcome<>(kind, Set.of(), Optional.empty(), reason);
    }

    static <P> MetadataOutcome<P> blame(Kind kind, Set<P> culprits, String reason) {
        return new MetadataOutcome<>(kind, culprits, Optional.empty(), reason);
    }

    static <P> MetadataOutcome<P> complete(InfoDictionary info) {
        return new MetadataOutcome<>(Kind.COMPLETE, Set.of(), Optional.of(info), "complete");
    }
}
