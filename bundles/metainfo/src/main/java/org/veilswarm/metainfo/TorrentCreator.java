package org.veilswarm.metainfo;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.veilswarm.bencode.BencodeDictionary;
import org.veilswarm.bencode.BencodeEncoder;
import org.veilswarm.bencode.BencodeInteger;
import org.veilswarm.bencode.BencodeList;
import org.veilswarm.bencode.BencodeString;
import org.veilswarm.bencode.BencodeValue;

/**
 * Creates v2 (BEP 52) or hybrid metainfo for a file or a folder.
 *
 * <pre>{@code
 * CreatedTorrent t = TorrentCreator.forPath(folder)
 *         .mode(TorrentMode.HYBRID)
 *         .announce("http://tracker.example/announce")
 *         .progressListener((done, total) -> ...)
 *         .cancelToken(token)
 *         .create();
 * }</pre>
 *
 * <p>The layout follows what libtorrent 2.0 produces, so the same files, name and piece length give the
 * same info-hashes: a single file becomes {@code file tree = {name: {"": ...}}} (hybrid: {@code length});
 * a folder's entries become the file tree under the folder's name (hybrid: {@code files}, with a BEP 47
 * pad file {@code .pad/<n>} with {@code attr = "p"} after every file, the last included, that does not
 * end on a piece boundary, unless the folder holds a single file). Files are ordered by raw UTF-8 name bytes, depth first. Nothing outside
 * {@code info} varies unless asked for (no creation date by default), so output is reproducible.
 *
 * <p>Folders are read without following links; symbolic links and special files are errors unless
 * {@link #skipUnsupportedFiles(boolean)} is set, and every skipped path is reported to the listener.
 * Names must pass {@link PathComponent}'s rules: a torrent we create must be one we accept.
 */
public final class TorrentCreator {

    /** Auto piece length aims at no more than this many pieces. */
    static final int TARGET_PIECES = 4096;
    /** ...and never picks more than 16 MiB, like common clients. */
    static final int MAX_AUTO_PIECE_LENGTH = 16 << 20;

    private final Path source;
    private TorrentMode mode = TorrentMode.V2_ONLY;
    private int pieceLength; // 0 = automatic
    private String name;
    private String announce;
    private List<List<String>> announceList = List.of();
    private String comment;
    private String createdBy;
    private Long creationDate;
    private boolean privateTorrent;
    private int threads = Runtime.getRuntime().availableProcessors();
    private HashingProgressListener listener = HashingProgressListener.NONE;
    private CancelToken cancelToken = new CancelToken();
    private boolean skipUnsupported;

    private TorrentCreator(Path source) {
        this.source = Objects.requireNonNull(source, "source");
    }

    public static TorrentCreator forPath(Path fileOrFolder) {
        return new TorrentCreator(fileOrFolder);
    }

    public TorrentCreator mode(TorrentMode value) {
        mode = Objects.requireNonNull(value);
        return this;
    }

    /** A power of two between 16 KiB and {@link MetainfoParser#MAX_PIECE_LENGTH}; 0 chooses automatically. */
    public TorrentCreator pieceLength(int value) {
        if (value != 0 && (value < MetainfoParser.MIN_PIECE_LENGTH || value > MetainfoParser.MAX_PIECE_LENGTH
                || Integer.bitCount(value) != 1)) {
            throw new IllegalArgumentException("piece length " + value + " is not a power of two between "
                    + MetainfoParser.MIN_PIECE_LENGTH + " and " + MetainfoParser.MAX_PIECE_LENGTH);
        }
        pieceLength = value;
        return this;
    }

    /** The torrent's name; defaults to the file or folder name. */
    public TorrentCreator name(String value) {
        name = value;
        return this;
    }

    public TorrentCreator announce(String url) {
        announce = url;
        return this;
    }

    public TorrentCreator announceList(List<List<String>> tiers) {
        announceList = tiers.stream().map(List::copyOf).toList();
        return this;
    }

    public TorrentCreator comment(String value) {
        comment = value;
        return this;
    }

    public TorrentCreator createdBy(String value) {
        createdBy = value;
        return this;
    }

    /** Seconds since the epoch; absent by default so that output is reproducible. */
    public TorrentCreator creationDate(long epochSeconds) {
        creationDate = epochSeconds;
        return this;
    }

    /** Sets {@code private = 1} in the info dictionary (BEP 27); changes the info-hash. */
    public TorrentCreator privateTorrent(boolean value) {
        privateTorrent = value;
        return this;
    }

    /** Hashing threads (default: one per processor). */
    public TorrentCreator threads(int value) {
        if (value < 1) {
            throw new IllegalArgumentException("threads must be at least 1");
        }
        threads = value;
        return this;
    }

    public TorrentCreator progressListener(HashingProgressListener value) {
        listener = Objects.requireNonNull(value);
        return this;
    }

    public TorrentCreator cancelToken(CancelToken value) {
        cancelToken = Objects.requireNonNull(value);
        return this;
    }

    /** Skip symbolic links and special files (reported to the listener) instead of failing. */
    public TorrentCreator skipUnsupportedFiles(boolean value) {
        skipUnsupported = value;
        return this;
    }

    /**
     * The automatic piece length: the smallest power of two from 16 KiB up to 16 MiB that keeps the
     * torrent at or under {@value #TARGET_PIECES} pieces.
     */
    public static int autoPieceLength(long totalLength) {
        int length = MetainfoParser.MIN_PIECE_LENGTH;
        while (length < MAX_AUTO_PIECE_LENGTH && (totalLength + length - 1) / length > TARGET_PIECES) {
            length <<= 1;
        }
        return length;
    }

    /** Hashes the source and returns the bencoded torrent, validated by {@link MetainfoParser#strict()}. */
    public CreatedTorrent create() throws IOException, MetainfoException, TorrentCreationCancelledException {
        BasicFileAttributes attrs = Files.readAttributes(source, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        SourceScanner scanner = new SourceScanner(skipUnsupported, listener);
        Path absolute = source.toAbsolutePath().normalize();
        if (absolute.getFileName() == null) {
            throw new MetainfoException(source + " has no name to give the torrent; name it explicitly");
        }
        PathComponent torrentName = name != null ? named(name) : SourceScanner.component(absolute);
        boolean folder = attrs.isDirectory();
        List<SourceFile> files;
        if (folder) {
            files = scanner.scanFolder(source);
        } else if (attrs.isRegularFile()) {
            files = List.of(new SourceFile(source, TorrentPath.of(List.of(torrentName)), attrs.size()));
        } else {
            throw new MetainfoException(source + " is a " + (attrs.isSymbolicLink() ? "symbolic link" : "special file")
                    + "; give a regular file or a folder");
        }
        long total = files.stream().mapToLong(SourceFile::length).sum();
        if (total == 0) {
            throw new MetainfoException(source + " has no content (" + files.size() + " files, 0 bytes)");
        }
        int pl = pieceLength != 0 ? pieceLength : autoPieceLength(total);
        for (SourceFile f : files) {
            // One 32-byte hash per piece is kept in an array per file.
            if ((f.length() + pl - 1) / pl > (Integer.MAX_VALUE - 8) / MerkleTree.HASH_LENGTH) {
                throw new MetainfoException(f.location() + " has too many pieces of " + pl
                        + " bytes; choose a larger piece length");
            }
        }
        if (cancelToken.isCancelled()) {
            throw new TorrentCreationCancelledException("cancelled before hashing");
        }
        boolean hybrid = mode == TorrentMode.HYBRID;
        List<ParallelHasher.FileHashes> hashes =
                new ParallelHasher(files, pl, hybrid, threads, listener, cancelToken).hash();
        byte[] bytes = BencodeEncoder.encode(torrent(files, hashes, pl, torrentName, folder, hybrid));
        Metainfo parsed = MetainfoParser.strict().parse(bytes);
        return new CreatedTorrent(bytes, parsed);
    }

    /**
     * Creates the torrent and writes it to {@code target} atomically (a temporary file in the same
     * folder, then a rename). On failure or cancellation nothing is left behind.
     */
    public CreatedTorrent createTo(Path target) throws IOException, MetainfoException, TorrentCreationCancelledException {
        CreatedTorrent created = create();
        Path dir = target.toAbsolutePath().getParent();
        Path temp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
        try {
            Files.write(temp, created.bytes());
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
        return created;
    }

    private static PathComponent named(String value) throws MetainfoException {
        try {
            return PathComponent.of(value);
        } catch (MetainfoException e) {
            throw new MetainfoException("torrent name: " + e.getMessage(), e);
        }
    }

    private BencodeDictionary torrent(List<SourceFile> files, List<ParallelHasher.FileHashes> hashes, int pl,
                                      PathComponent torrentName, boolean folder, boolean hybrid) {
        TreeMap<BencodeString, BencodeValue> layers = new TreeMap<>();
        List<Optional<byte[]>> roots = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            SourceFile f = files.get(i);
            byte[] layer = hashes.get(i).v2;
            if (f.length() == 0) {
                roots.add(Optional.empty());
            } else if (f.length() <= pl) {
                roots.add(Optional.of(layer)); // a single piece's subtree is the whole tree
            } else {
                byte[] root = MerkleTree.rootFromPieceLayer(layer, pl);
                roots.add(Optional.of(root));
                layers.put(BencodeString.of(root), BencodeString.of(layer));
            }
        }

        BencodeDictionary.Builder info = BencodeDictionary.builder()
                .put("file tree", fileTree(files, roots))
                .put("meta version", InfoDictionary.META_VERSION)
                .put("name", BencodeString.of(torrentName.utf8()))
                .put("piece length", pl);
        if (privateTorrent) {
            info.put("private", 1);
        }
        if (hybrid) {
            java.io.ByteArrayOutputStream pieces = new java.io.ByteArrayOutputStream();
            for (ParallelHasher.FileHashes h : hashes) {
                pieces.writeBytes(h.v1);
            }
            info.put("pieces", pieces.toByteArray());
            if (folder) {
                info.put("files", v1Files(files, pl));
            } else {
                info.put("length", files.get(0).length());
            }
        }

        BencodeDictionary.Builder root = BencodeDictionary.builder();
        if (announce != null) {
            root.put("announce", announce);
        }
        if (!announceList.isEmpty()) {
            List<BencodeValue> tiers = new ArrayList<>();
            for (List<String> tier : announceList) {
                tiers.add(new BencodeList(tier.stream().<BencodeValue>map(BencodeString::of).toList()));
            }
            root.put("announce-list", new BencodeList(tiers));
        }
        if (comment != null) {
            root.put("comment", comment);
        }
        if (createdBy != null) {
            root.put("created by", createdBy);
        }
        if (creationDate != null) {
            root.put("creation date", creationDate);
        }
        root.put("info", info.build());
        root.put("piece layers", layersDictionary(layers));
        return root.build();
    }

    private static BencodeDictionary layersDictionary(Map<BencodeString, BencodeValue> layers) {
        BencodeDictionary.Builder b = BencodeDictionary.builder();
        layers.forEach(b::put);
        return b.build();
    }

    /** Nested dictionaries, one per directory; a file is {@code {"": {length, pieces root}}}. */
    private static BencodeDictionary fileTree(List<SourceFile> files, List<Optional<byte[]>> roots) {
        Node top = new Node();
        for (int i = 0; i < files.size(); i++) {
            Node node = top;
            for (PathComponent c : files.get(i).path().components()) {
                node = node.children.computeIfAbsent(BencodeString.of(c.utf8()), k -> new Node());
            }
            BencodeDictionary.Builder props = BencodeDictionary.builder().put("length", files.get(i).length());
            roots.get(i).ifPresent(r -> props.put("pieces root", r));
            node.file = props.build();
        }
        return top.toBencode();
    }

    private static final class Node {
        final TreeMap<BencodeString, Node> children = new TreeMap<>();
        BencodeDictionary file;

        BencodeDictionary toBencode() {
            BencodeDictionary.Builder b = BencodeDictionary.builder();
            if (file != null) {
                return b.put("", file).build();
            }
            children.forEach((k, v) -> b.put(k, v.toBencode()));
            return b.build();
        }
    }

    /**
     * BEP 3 {@code files} with BEP 47 pad files, in the same order as the v2 file tree. As libtorrent
     * 2.0 does, every non-empty file that does not end on a piece boundary is followed by a pad file,
     * the last one included, unless the torrent has a single file.
     */
    private static BencodeList v1Files(List<SourceFile> files, int pl) {
        List<BencodeValue> list = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            SourceFile f = files.get(i);
            List<BencodeValue> path = new ArrayList<>();
            for (PathComponent c : f.path().components()) {
                path.add(BencodeString.of(c.utf8()));
            }
            list.add(BencodeDictionary.builder().put("length", f.length()).put("path", new BencodeList(path)).build());
            long gap = (pl - f.length() % pl) % pl;
            if (files.size() > 1 && f.length() > 0 && gap > 0) {
                list.add(BencodeDictionary.builder()
                        .put("attr", "p")
                        .put("length", BencodeInteger.of(gap))
                        .put("path", BencodeList.of(BencodeString.of(".pad"), BencodeString.of(Long.toString(gap))))
                        .build());
            }
        }
        return new BencodeList(list);
    }
}
