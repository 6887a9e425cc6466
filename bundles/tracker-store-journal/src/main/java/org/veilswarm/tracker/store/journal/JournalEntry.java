package org.veilswarm.tracker.store.journal;

import java.time.Instant;
import java.util.Objects;

import org.veilswarm.api.tracker.AnnounceEvent;
import org.veilswarm.api.tracker.Change;
import org.veilswarm.api.tracker.InfoHash;
import org.veilswarm.api.tracker.PeerEntry;
import org.veilswarm.api.tracker.TorrentRecord;
import org.veilswarm.api.tracker.TrackerStore;

/**
 * One call that changed the store, as the journal keeps it. The journal records calls, not their effects:
 * replaying the calls in their order on the state they were made on gives the same state (the memory store is
 * deterministic in everything but the peers it samples for answers), including what the change feed does not
 * carry, such as the completed counters.
 */
sealed interface JournalEntry {
    /** An announce ({@link TrackerStore#announce}); the answer's peer sample is not part of it. */
    record Announced(PeerEntry peer, AnnounceEvent event) implements JournalEntry {
        public Announced {
            Objects.requireNonNull(peer, "peer");
            Objects.requireNonNull(event, "event");
        }
    }

    /** {@link TrackerStore#expirePeers}. */
    record Expired(Instant cutoff) implements JournalEntry {
        public Expired {
            Objects.requireNonNull(cutoff, "cutoff");
        }
    }

    /** {@link TrackerStore#putTorrent}. */
    record TorrentPut(TorrentRecord record) implements JournalEntry {
        public TorrentPut {
            Objects.requireNonNull(record, "record");
        }
    }

    /** {@link TrackerStore#removeTorrent}. */
    record TorrentRemoved(InfoHash infoHash) implements JournalEntry {
        public TorrentRemoved {
            Objects.requireNonNull(infoHash, "infoHash");
        }
    }

    /** {@link TrackerStore#apply}: a change replicated from a mirrored tracker. */
    record Applied(Change change) implements JournalEntry {
        public Applied {
            Objects.requireNonNull(change, "change");
        }
    }
}
