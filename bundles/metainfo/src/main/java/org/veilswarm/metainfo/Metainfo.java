package org.veilswarm.metainfo;

import java.security.MessageDigest;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A validated v2 (BEP 52) or hybrid torrent: its {@link InfoDictionary}, its {@link PieceLayers} and the
 * fields outside {@code info} (trackers, comment). Immutable.
 */
public final class Metainfo {

    private final InfoDictionary info;
    private final PieceLayers pieceLayers;
    private final Optional<String> announce;
    private final List<List<String>> announceList;
    private final Optional<String> comment;
    private final Optional<String> createdBy;
    private final Optional<Long> creationDate;

    Metainfo(InfoDictionary info, PieceLayers pieceLayers, Optional<String> announce, List<List<String>> announceList,
             Optional<String> comment, Optional<String> createdBy, Optional<Long> creationDate) {
        this.info = Objects.requireNonNull(info);
        this.pieceLayers = Objects.requireNonNull(pieceLayers);
        this.announce = announce;
        this.announceList = announceList.stream().map(List::copyOf).toList();
        this.comment = comment;
        this.createdBy = createdBy;
        this.creationDate = creationDate;
    }

    /** A torrent assembled from an info dictionary (e.g. received through BEP 9) and validated layers. */
    public static Metainfo of(InfoDictionary info, PieceLayers pieceLayers) {
        return new Metainfo(info, pieceLayers, Optional.empty(), List.of(), Optional.empty(), Optional.empty(),
                Optional.empty());
    }

    public InfoDictionary info() {
        return info;
    }

    public PieceLayers pieceLayers() {
        return pieceLayers;
    }

    public InfoHashes infoHashes() {
        return info.infoHashes();
    }

    /** BEP 3 {@code announce}. */
    public Optional<String> announce() {
        return announce;
    }

    /** BEP 12 {@code announce-list}: tiers of tracker URLs. */
    public List<List<String>> announceList() {
        return announceList;
    }

    public Optional<String> comment() {
        return comment;
    }

    public Optional<String> createdBy() {
        return createdBy;
    }

    /** Seconds since the epoch, as written by the creator. */
    public Optional<Long> creationDate() {
        return creationDate;
    }

    /**
     * Checks a received piece against the v2 hashes: against the piece layer for files longer than one
     * piece, against the pieces root for shorter files (BEP 52). {@code data} must be the whole piece,
     * exactly as long as the piece is (the last piece of a file is short).
     */
    public boolean verifyPiece(int piece, byte[] data) {
        FileEntry file = info.fileAtPiece(piece);
        int local = piece - file.firstPiece();
        if (data.length != file.pieceSize(local, info.pieceLength())) {
            return false;
        }
        byte[] expected;
        byte[] actual;
        if (file.hasPieceLayer(info.pieceLength())) {
            expected = pieceLayers.pieceHash(file, local).orElseThrow();
            actual = MerkleTree.pieceLayerHash(data, 0, data.length, info.pieceLength());
        } else {
            expected = file.piecesRoot().orElseThrow().bytes();
            actual = MerkleTree.piecesRoot(data);
        }
        return MessageDigest.isEqual(expected, actual);
    }

    @Override
    public String toString() {
        return "Metainfo[" + info + "]";
    }
}
