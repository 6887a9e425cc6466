package org.veilswarm.tracker.mirror;

import java.util.Set;

import org.veilswarm.api.tracker.InfoHash;

/**
 * Which swarms of B's store one mirror may write. B's store is keyed by info-hash alone, so without this a
 * source could name any swarm B tracks: put its peers into the swarm of one of B's own shares (handing them to
 * B's downloaders), remove B's own record, or list B's private info-hash in a share of its own and read B's
 * private peers through the copy. Every info-hash a snapshot or a change names is claimed before anything is
 * applied; an info-hash that B tracks under another share (its own, or another mirror's) refuses the whole
 * answer.
 */
public interface SwarmGuard {
    /**
     * Claims every info-hash (20-byte wire form) for this mirror, or none.
     *
     * @throws MirrorException naming an info-hash that B tracks under another share
     */
    void claim(Set<InfoHash> infoHashes) throws MirrorException;

    /** Gives up info-hashes this mirror no longer copies. */
    void release(Set<InfoHash> infoHashes);

    /** Gives up everything this mirror claimed (the mirror stops). */
    void releaseAll();

    /** For a store this mirror is the only writer of (tests, tools): every claim succeeds. */
    static SwarmGuard soleWriter() {
        return new SwarmGuard() {
            @Override
            public void claim(Set<InfoHash> infoHashes) {
            }

            @Override
            public void release(Set<InfoHash> infoHashes) {
            }

            @Override
            public void releaseAll() {
            }
        };
    }
}
