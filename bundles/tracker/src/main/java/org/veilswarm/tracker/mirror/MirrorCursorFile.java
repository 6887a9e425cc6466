package org.veilswarm.tracker.mirror;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.veilswarm.api.tracker.InfoHash;
import org.veilswarm.bencode.BencodeDecoder;
import org.veilswarm.bencode.BencodeDictionary;
import org.veilswarm.bencode.BencodeEncoder;
import org.veilswarm.bencode.BencodeException;
import org.veilswarm.bencode.BencodeInteger;
import org.veilswarm.bencode.BencodeLimits;
import org.veilswarm.bencode.BencodeList;
import org.veilswarm.bencode.BencodeString;
import org.veilswarm.bencode.BencodeValue;

/**
 * Keeps a {@link MirrorCursor} in a small bencoded file, replaced atomically (write a temporary file, then
 * rename over the old one), owner-only (0600: it lists a private share's torrents). The cursor is written
 * after the batch it describes was applied to the store, so a crash between the two replays that batch on
 * restart; replaying is harmless because every change sets a state (put or remove), it never adds to one.
 */
public final class MirrorCursorFile {
    private static final int MAX_BYTES = 4 << 20;
    private final Path file;

    public MirrorCursorFile(Path file) {
        this.file = file.toAbsolutePath();
    }

    public Path path() {
        return file;
    }

    /** The saved cursor, or {@link MirrorCursor#EMPTY} if there is none. */
    public MirrorCursor load() throws IOException {
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new IOException(file + " is larger than a mirror cursor can be");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return MirrorCursor.EMPTY;
        }
        try {
            BencodeDictionary d = BencodeDecoder.strict().withLimits(new BencodeLimits(MAX_BYTES, 3, 64, 1 << 20))
                    .decodeDictionary(bytes);
            Optional<FeedEpoch> epoch = d.get("epoch").map(v -> FeedEpoch.of(((BencodeString) v).bytes()));
            long sequence = ((BencodeInteger) d.get("sequence").orElseThrow()).value();
            Set<InfoHash> torrents = new LinkedHashSet<>();
            for (BencodeValue v : ((BencodeList) d.get("torrents").orElseThrow()).values()) {
                torrents.add(InfoHash.of(((BencodeString) v).bytes()));
            }
            return new MirrorCursor(epoch, sequence, torrents);
        } catch (BencodeException | ClassCastException | java.util.NoSuchElementException
                | IllegalArgumentException e) {
            throw new IOException("mirror cursor " + file + " is damaged (" + e.getMessage()
                    + "); delete it to take a new snapshot", e);
        }
    }

    /**
     * Forgets the saved position but keeps the torrents: the mirror started from this file takes a new snapshot,
     * and serves the share's torrents while it does (another store was bound, which holds none of the copy).
     */
    public void dropPosition() throws IOException {
        MirrorCursor cursor = load();
        if (cursor.positioned()) {
            save(cursor.unpositioned());
        }
    }

    public void save(MirrorCursor cursor) throws IOException {
        List<BencodeValue> torrents = new ArrayList<>();
        cursor.torrents().stream().sorted().forEach(h -> torrents.add(BencodeString.of(h.bytes())));
        BencodeDictionary.Builder b = BencodeDictionary.builder().put("sequence", cursor.sequence())
                .put("torrents", new BencodeList(torrents));
        cursor.epoch().ifPresent(e -> b.put("epoch", e.bytes()));
        OwnerOnlyFile.write(file, BencodeEncoder.encode(b.build()));
    }
}
