package org.veilswarm.tracker.store.journal;

import org.veilswarm.api.tracker.AnnounceEvent;
import org.veilswarm.tracker.store.journal.ByteReader.FormatException;
import org.veilswarm.tracker.store.journal.JournalEntry.Announced;
import org.veilswarm.tracker.store.journal.JournalEntry.Applied;
import org.veilswarm.tracker.store.journal.JournalEntry.Expired;
import org.veilswarm.tracker.store.journal.JournalEntry.TorrentPut;
import org.veilswarm.tracker.store.journal.JournalEntry.TorrentRemoved;

/** A journal entry's body: a type byte and the values of that type ({@link ValueCodec}). */
final class EntryCodec {
    static final int ANNOUNCED = 1;
    static final int EXPIRED = 2;
    static final int TORRENT_PUT = 3;
    static final int TORRENT_REMOVED = 4;
    static final int APPLIED = 5;

    private static final AnnounceEvent[] EVENTS = AnnounceEvent.values();

    private EntryCodec() {
    }

    static void encode(ByteWriter out, JournalEntry entry) {
        if (entry instanceof Announced a) {
            out.putByte(ANNOUNCED);
            out.putByte(a.event().ordinal());
            ValueCodec.putPeer(out, a.peer());
        } else if (entry instanceof Expired e) {
            out.putByte(EXPIRED);
            ValueCodec.putInstant(out, e.cutoff());
        } else if (entry instanceof TorrentPut p) {
            out.putByte(TORRENT_PUT);
            ValueCodec.putRecord(out, p.record());
        } else if (entry instanceof TorrentRemoved r) {
            out.putByte(TORRENT_REMOVED);
            ValueCodec.putInfoHash(out, r.infoHash());
        } else if (entry instanceof Applied a) {
            out.putByte(APPLIED);
            ValueCodec.putChange(out, a.change());
        } else {
            throw new IllegalArgumentException("not a journal entry: " + entry);
        }
    }

    /** One entry: its type byte, its body, and nothing after it. */
    static JournalEntry decode(ByteReader in) throws FormatException {
        int type = in.getByte("entry type");
        JournalEntry entry = switch (type) {
            case ANNOUNCED -> {
                int event = in.getByte("announce event");
                if (event >= EVENTS.length) {
                    throw new FormatException("unknown announce event " + event);
                }
                yield new Announced(ValueCodec.getPeer(in), EVENTS[event]);
            }
            case EXPIRED -> new Expired(ValueCodec.getInstant(in, "expiry cutoff"));
            case TORRENT_PUT -> new TorrentPut(ValueCodec.getRecord(in));
            case TORRENT_REMOVED -> new TorrentRemoved(ValueCodec.getInfoHash(in));
            case APPLIED -> new Applied(ValueCodec.getChange(in));
            default -> throw new FormatException("unknown entry type " + type);
        };
        in.expectEnd("the entry");
        return entry;
    }
}
