package org.veilswarm.metainfo;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.veilswarm.bencode.BencodeDecoder;
import org.veilswarm.bencode.BencodeDictionary;
import org.veilswarm.bencode.BencodeException;
import org.veilswarm.bencode.BencodeInteger;
import org.veilswarm.bencode.BencodeLimits;
import org.veilswarm.bencode.BencodeList;
import org.veilswarm.bencode.BencodeString;
import org.veilswarm.bencode.BencodeValue;

/**
 * Parses and validates v2 (BEP 52) and hybrid metainfo. Immutable and thread-safe.
 *
 * <p>Accepted: {@code meta version} 2 with a {@code file tree}, {@code piece length} a power of two
 * from 16 KiB to {@value #MAX_PIECE_LENGTH} bytes, safe path components ({@link PathComponent}), at least
 * one byte of content, {@code piece layers} for every file longer than a piece and hashing to its
 * pieces root. A hybrid's v1 part ({@code pieces} with {@code length} or {@code files}) must describe
 * the same files in the same order, aligned with BEP 47 pad files exactly as the v2 layout aligns
 * them. v1-only torrents are refused: this project speaks v2.
 *
 * <p>The {@linkplain #strict() strict} parser requires canonical bencoding; the
 * {@linkplain #lenient() lenient} one also accepts dictionary keys out of order. Either way the
 * info-hashes are computed over the {@code info} bytes as found in the input (BEP 52 "infohash").
 */
public final class MetainfoParser {

    /** BEP 52: "It must be a power of two and at least 16KiB". */
    public static final int MIN_PIECE_LENGTH = MerkleTree.BLOCK_SIZE;
    /** Our ceiling: a piece is verified in memory, and no client uses larger ones. */
    public static final int MAX_PIECE_LENGTH = 1 << 28;

    private static final MetainfoParser STRICT = new MetainfoParser(BencodeDecoder.strict());
    private static final MetainfoParser LENIENT = new MetainfoParser(BencodeDecoder.lenient());

    private final BencodeDecoder decoder;

    private MetainfoParser(BencodeDecoder decoder) {
        this.decoder = decoder;
    }

    public static MetainfoParser strict() {
        return STRICT;
    }

    public static MetainfoParser lenient() {
        return LENIENT;
    }

    public MetainfoParser withLimits(BencodeLimits limits) {
        return new MetainfoParser(decoder.withLimits(limits));
    }

    /** Parses a whole {@code .torrent} file. */
    public Metainfo parse(byte[] torrent) throws MetainfoException {
        BencodeDictionary root = decode(torrent, "torrent");
        BencodeDictionary infoDict = Fields.required(root, "info", BencodeDictionary.class, "");
        byte[] infoBytes = root.rawValue("info").orElseThrow();
        InfoDictionary info = parseInfo(infoDict, infoBytes);

        Map<HashValue, byte[]> candidates = new HashMap<>();
        Optional<BencodeDictionary> layers = Fields.optional(root, "piece layers", BencodeDictionary.class, "");
        if (layers.isPresent()) {
            for (Map.Entry<BencodeString, BencodeValue> e : layers.get().entries().entrySet()) {
                if (e.getKey().length() != HashValue.SHA256_LENGTH) {
                    throw new MetainfoException("piece layers: key of " + e.getKey().length()
                            + " bytes is not a 32-byte pieces root");
                }
                BencodeString layer = Fields.as(e.getValue(), BencodeString.class, "piece layers value");
                candidates.put(HashValue.of(e.getKey().bytes()), layer.bytes());
            }
        } else if (info.files().stream().anyMatch(f -> f.hasPieceLayer(info.pieceLength()))) {
            throw new MetainfoException("piece layers: missing, but files longer than one piece need them");
        }
        PieceLayers pieceLayers = PieceLayers.validate(info, candidates);

        Optional<String> announce = Fields.optionalUtf8(root, "announce", "");
        List<List<String>> announceList = new ArrayList<>();
        Optional<BencodeList> tiers = Fields.optional(root, "announce-list", BencodeList.class, "");
        if (tiers.isPresent()) {
            for (BencodeValue tier : tiers.get().values()) {
                List<String> urls = new ArrayList<>();
                for (BencodeValue url : Fields.list(tier, "announce-list tier").values()) {
                    urls.add(Fields.utf8(Fields.as(url, BencodeString.class, "announce-list url"), "announce-list url"));
                }
                if (!urls.isEmpty()) {
                    announceList.add(urls);
                }
            }
        }
        // Free text: malformed UTF-8 is shown with U+FFFD rather than failing the whole torrent.
        Optional<String> comment = Fields.optional(root, "comment", BencodeString.class, "")
                .map(BencodeString::utf8Lossy);
        Optional<String> createdBy = Fields.optional(root, "created by", BencodeString.class, "")
                .map(BencodeString::utf8Lossy);
        Optional<Long> creationDate = Fields.optional(root, "creation date", BencodeInteger.class, "")
                .map(BencodeInteger::value);
        return new Metainfo(info, pieceLayers, announce, announceList, comment, createdBy, creationDate);
    }

    /**
     * Parses a bare {@code info} dictionary, as received through BEP 9 metadata exchange. Its piece
     * layers come separately (BEP 52 hash requests) and are checked with {@link PieceLayers#validate}.
     */
    public InfoDictionary parseInfo(byte[] infoBytes) throws MetainfoException {
        return parseInfo(decode(infoBytes, "info dictionary"), infoBytes.clone());
    }

    private BencodeDictionary decode(byte[] input, String what) throws MetainfoException {
        try {
            return decoder.decodeDictionary(input);
        } catch (BencodeException e) {
            throw new MetainfoException(what + " is not valid bencoding: " + e.getMessage(), e);
        }
    }

    private static InfoDictionary parseInfo(BencodeDictionary info, byte[] infoBytes) throws MetainfoException {
        String where = "info.";
        // BEP 52: check the version first, so a newer format is reported as such.
        Optional<BencodeInteger> metaVersion = Fields.optional(info, "meta version", BencodeInteger.class, where);
        if (metaVersion.isEmpty()) {
            throw new MetainfoException(info.containsKey("pieces")
                    ? "info: a v1-only torrent (no meta version); BitTorrent v2 (BEP 52) metainfo is required"
                    : "info.meta version: missing");
        }
        if (metaVersion.get().value() != InfoDictionary.META_VERSION) {
            throw new MetainfoException("info.meta version: " + metaVersion.get().value()
                    + (metaVersion.get().value() > InfoDictionary.META_VERSION
                    ? " is newer than the supported version 2" : " is not a valid version (must be 2)"));
        }
        BencodeString nameBytes = Fields.required(info, "name", BencodeString.class, where);
        String name = nameBytes.utf8Lossy();
        long pieceLength = Fields.requiredLong(info, "piece length", where);
        if (pieceLength < MIN_PIECE_LENGTH || pieceLength > MAX_PIECE_LENGTH || Long.bitCount(pieceLength) != 1) {
            throw new MetainfoException("info.piece length: " + pieceLength + " is not a power of two between "
                    + MIN_PIECE_LENGTH + " and " + MAX_PIECE_LENGTH);
        }
        boolean privateTorrent = false;
        Optional<BencodeInteger> priv = Fields.optional(info, "private", BencodeInteger.class, where);
        if (priv.isPresent()) {
            if (priv.get().value() != 0 && priv.get().value() != 1) {
                throw new MetainfoException("info.private: must be 0 or 1, not " + priv.get().value());
            }
            privateTorrent = priv.get().value() == 1;
        }

        BencodeDictionary tree = Fields.required(info, "file tree", BencodeDictionary.class, where);
        List<FileEntry> files = new FileTreeReader((int) pieceLength).read(tree);
        boolean singleFile = files.size() == 1 && files.get(0).path().components().size() == 1;

        Optional<V1Info> v1 = Optional.empty();
        if (info.containsKey("pieces")) {
            v1 = Optional.of(HybridReader.read(info, nameBytes, files, (int) pieceLength, singleFile));
        }
        Optional<PathComponent> rootDirectory = Optional.empty();
        if (!singleFile || (v1.isPresent() && !v1.get().singleFileForm())) {
            try {
                rootDirectory = Optional.of(PathComponent.of(nameBytes.bytes()));
            } catch (MetainfoException e) {
                throw new MetainfoException("info.name: names the torrent's directory, but " + e.getMessage(), e);
            }
        }
        InfoHashes hashes = new InfoHashes(HashValue.of(digest("SHA-256", infoBytes)),
                v1.isPresent() ? Optional.of(HashValue.of(digest("SHA-1", infoBytes))) : Optional.empty());
        return new InfoDictionary(name, (int) pieceLength, files, singleFile, rootDirectory, privateTorrent, v1,
                infoBytes, hashes);
    }

    static byte[] digest(String algorithm, byte[] bytes) {
        try {
            return MessageDigest.getInstance(algorithm).digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has " + algorithm, e);
        }
    }

    /** Walks a BEP 52 {@code file tree} depth first in key order, assigning piece-aligned positions. */
    private static final class FileTreeReader {
        private final int pieceLength;
        private final List<FileEntry> files = new ArrayList<>();
        private long nextPiece;

        FileTreeReader(int pieceLength) {
            this.pieceLength = pieceLength;
        }

        List<FileEntry> read(BencodeDictionary tree) throws MetainfoException {
            if (tree.isEmpty()) {
                throw new MetainfoException("info.file tree: is empty");
            }
            if (tree.containsKey("")) {
                throw new MetainfoException("info.file tree: the root must be a directory, not a file");
            }
            directory(tree, new ArrayList<>());
            if (files.stream().allMatch(f -> f.length() == 0)) {
                throw new MetainfoException("info.file tree: all files are empty (a torrent needs content)");
            }
            return files;
        }

        private void directory(BencodeDictionary dir, List<PathComponent> path) throws MetainfoException {
            for (Map.Entry<BencodeString, BencodeValue> e : dir.entries().entrySet()) {
                PathComponent component;
                try {
                    component = PathComponent.of(e.getKey().bytes());
                } catch (MetainfoException bad) {
                    throw new MetainfoException("info.file tree: " + where(path) + bad.getMessage(), bad);
                }
                path.add(component);
                BencodeDictionary node = Fields.as(e.getValue(), BencodeDictionary.class,
                        "info.file tree: entry " + PathComponent.printable(joined(path)));
                if (node.containsKey("")) {
                    if (node.size() != 1) {
                        throw new MetainfoException("info.file tree: " + PathComponent.printable(joined(path))
                                + " is a file but has other entries besides \"\"");
                    }
                    file(Fields.required(node, "", BencodeDictionary.class, "info.file tree: "
                            + PathComponent.printable(joined(path)) + " "), path);
                } else {
                    if (node.isEmpty()) {
                        throw new MetainfoException("info.file tree: directory " + PathComponent.printable(joined(path))
                                + " is empty");
                    }
                    directory(node, path);
                }
                path.remove(path.size() - 1);
            }
        }

        private void file(BencodeDictionary props, List<PathComponent> path) throws MetainfoException {
            String field = "info.file tree: " + PathComponent.printable(joined(path)) + " ";
            long length = Fields.requiredLong(props, "length", field);
            if (length < 0) {
                throw new MetainfoException(field + "length: negative (" + length + ")");
            }
            Optional<HashValue> root = Optional.empty();
            if (length > 0) {
                BencodeString r = Fields.required(props, "pieces root", BencodeString.class, field);
                if (r.length() != HashValue.SHA256_LENGTH) {
                    throw new MetainfoException(field + "pieces root: " + r.length() + " bytes, expected 32");
                }
                root = Optional.of(HashValue.of(r.bytes()));
            }
            long pieces = (length + pieceLength - 1) / pieceLength;
            if (nextPiece + pieces > Integer.MAX_VALUE) {
                throw new MetainfoException("info.file tree: more than " + Integer.MAX_VALUE + " pieces");
            }
            files.add(new FileEntry(TorrentPath.of(path), length, root, (int) nextPiece, (int) pieces));
            nextPiece += pieces;
        }

        private static String where(List<PathComponent> path) {
            return path.isEmpty() ? "" : "in " + PathComponent.printable(joined(path)) + ": ";
        }

        private static String joined(List<PathComponent> path) {
            StringBuilder b = new StringBuilder();
            for (PathComponent c : path) {
                if (b.length() > 0) {
                    b.append('/');
                }
                b.append(c.name());
            }
            return b.toString();
        }
    }

    /** Reads the v1 half of a hybrid and checks it against the v2 files (BEP 52 "Upgrade Path"). */
    private static final class HybridReader {

        static V1Info read(BencodeDictionary info, BencodeString name, List<FileEntry> v2Files, int pieceLength,
                           boolean v2SingleFile) throws MetainfoException {
            BencodeString pieces = Fields.required(info, "pieces", BencodeString.class, "info.");
            if (pieces.length() % HashValue.SHA1_LENGTH != 0) {
                throw new MetainfoException("info.pieces: " + pieces.length() + " bytes is not a multiple of 20");
            }
            boolean hasLength = info.containsKey("length");
            boolean hasFiles = info.containsKey("files");
            if (hasLength == hasFiles) {
                throw new MetainfoException("info: a hybrid needs exactly one of \"length\" and \"files\"");
            }
            List<V1Info.V1File> v1Files = new ArrayList<>();
            if (hasLength) {
                long length = Fields.requiredLong(info, "length", "info.");
                if (!v2SingleFile) {
                    throw new MetainfoException("hybrid: v1 describes a single file but the v2 file tree has "
                            + v2Files.size() + " files");
                }
                PathComponent fileName;
                try {
                    fileName = PathComponent.of(name.bytes());
                } catch (MetainfoException e) {
                    throw new MetainfoException("info.name: " + e.getMessage(), e);
                }
                v1Files.add(new V1Info.V1File(TorrentPath.of(List.of(fileName)), length, false));
            } else {
                BencodeList list = Fields.required(info, "files", BencodeList.class, "info.");
                int i = 0;
                for (BencodeValue v : list.values()) {
                    v1Files.add(v1File(Fields.as(v, BencodeDictionary.class, "info.files[" + i + "]"), i));
                    i++;
                }
            }
            checkConsistency(v1Files, v2Files, pieceLength, pieces.length() / HashValue.SHA1_LENGTH);
            return new V1Info(pieces.bytes(), hasLength, v1Files);
        }

        private static V1Info.V1File v1File(BencodeDictionary d, int index) throws MetainfoException {
            String field = "info.files[" + index + "].";
            long length = Fields.requiredLong(d, "length", field);
            if (length < 0) {
                throw new MetainfoException(field + "length: negative (" + length + ")");
            }
            boolean padding = Fields.optional(d, "attr", BencodeString.class, field)
                    .map(a -> a.utf8Lossy().indexOf('p') >= 0).orElse(false);
            BencodeList pathList = Fields.required(d, "path", BencodeList.class, field);
            List<PathComponent> components = new ArrayList<>();
            for (BencodeValue c : pathList.values()) {
                BencodeString s = Fields.as(c, BencodeString.class, field + "path element");
                try {
                    components.add(PathComponent.of(s.bytes()));
                } catch (MetainfoException e) {
                    throw new MetainfoException(field + "path: " + e.getMessage(), e);
                }
            }
            if (components.isEmpty()) {
                throw new MetainfoException(field + "path: empty");
            }
            return new V1Info.V1File(TorrentPath.of(components), length, padding);
        }

        /**
         * The v1 list minus pad files must be the v2 list (same paths, lengths, order), and the pad files
         * must fill exactly the gaps that put each v2 file on a piece boundary.
         */
        private static void checkConsistency(List<V1Info.V1File> v1Files, List<FileEntry> v2Files, int pieceLength,
                                             int v1PieceCount) throws MetainfoException {
            long offset = 0;
            int v2Index = 0;
            for (int i = 0; i < v1Files.size(); i++) {
                V1Info.V1File f = v1Files.get(i);
                if (f.padding()) {
                    long gap = (pieceLength - offset % pieceLength) % pieceLength;
                    if (f.length() != gap || gap == 0) {
                        throw new MetainfoException("hybrid: pad file " + i + " (" + f.path() + ") is " + f.length()
                                + " bytes at offset " + offset + ", but the gap to the next piece boundary is " + gap);
                    }
                    offset += f.length();
                    continue;
                }
                if (v2Index >= v2Files.size()) {
                    throw new MetainfoException("hybrid: v1 file " + PathComponent.printable(f.path().toString())
                            + " is not in the v2 file tree");
                }
                FileEntry v2 = v2Files.get(v2Index++);
                if (!f.path().equals(v2.path()) || f.length() != v2.length()) {
                    throw new MetainfoException("hybrid: v1 file " + i + " " + PathComponent.printable(f.path().toString())
                            + " (" + f.length() + " bytes) differs from v2 file "
                            + PathComponent.printable(v2.path().toString()) + " (" + v2.length() + " bytes)");
                }
                if (f.length() > 0 && offset != (long) v2.firstPiece() * pieceLength) {
                    throw new MetainfoException("hybrid: v1 file " + PathComponent.printable(f.path().toString())
                            + " starts at byte " + offset + ", not on its piece boundary " + (long) v2.firstPiece()
                            * pieceLength + " (pad file missing)");
                }
                offset += f.length();
            }
            if (v2Index != v2Files.size()) {
                throw new MetainfoException("hybrid: v2 file " + PathComponent.printable(v2Files.get(v2Index).path()
                        .toString()) + " is missing from the v1 file list");
            }
            long expectedPieces = (offset + pieceLength - 1) / pieceLength;
            if (expectedPieces != v1PieceCount) {
                throw new MetainfoException("hybrid: info.pieces has " + v1PieceCount + " hashes, but the v1 files ("
                        + offset + " bytes) need " + expectedPieces);
            }
        }
    }
}
