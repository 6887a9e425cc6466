package org.veilswarm.metainfo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.veilswarm.metainfo.Dicts.dict;
import static org.veilswarm.metainfo.Dicts.encode;
import static org.veilswarm.metainfo.Dicts.with;
import static org.veilswarm.metainfo.Dicts.withInfo;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veilswarm.bencode.BencodeDictionary;
import org.veilswarm.bencode.BencodeInteger;
import org.veilswarm.bencode.BencodeList;
import org.veilswarm.bencode.BencodeString;
import org.veilswarm.bencode.BencodeValue;

class MetainfoParserTest {

    private static final int PIECE = 32768;

    @TempDir
    Path dir;

    private Path folder;
    private byte[] v2Folder;
    private byte[] hybridFolder;

    @BeforeEach
    void createTorrents() throws Exception {
        folder = Content.mixedFolder(dir, "content");
        v2Folder = TorrentCreator.forPath(folder).pieceLength(PIECE).create().bytes();
        hybridFolder = TorrentCreator.forPath(folder).pieceLength(PIECE).mode(TorrentMode.HYBRID).create().bytes();
    }

    private static MetainfoException rejected(BencodeDictionary torrent) {
        return assertThrows(MetainfoException.class, () -> MetainfoParser.strict().parse(encode(torrent)));
    }

    private static void assertRejected(BencodeDictionary torrent, String reason) {
        MetainfoException e = rejected(torrent);
        assertTrue(e.getMessage().contains(reason), () -> "'" + e.getMessage() + "' should mention '" + reason + "'");
    }

    @Test
    void parsesAV2FolderTorrent() throws Exception {
        Metainfo m = MetainfoParser.strict().parse(v2Folder);
        InfoDictionary info = m.info();
        assertEquals("content", info.name());
        assertEquals(PIECE, info.pieceLength());
        assertFalse(info.isHybrid());
        assertFalse(info.isSingleFile());
        assertEquals("content", info.rootDirectory().orElseThrow().name());
        List<String> paths = info.files().stream().map(f -> f.path().toString()).toList();
        assertEquals(List.of("a/x", "a.txt", "b.bin", "empty.txt", "sub/exact.bin"), paths, "file tree order");
        assertEquals(List.of(0, 1, 2, 6, 6), info.files().stream().map(FileEntry::firstPiece).toList());
        assertEquals(8, info.pieceCount());
        assertEquals(10 + 5000 + 100_000 + 65536, info.totalLength());
        assertTrue(info.files().get(3).piecesRoot().isEmpty(), "empty files have no pieces root");
        assertEquals(2, m.pieceLayers().size(), "only files longer than one piece have layers");
        assertTrue(m.pieceLayers().layer(info.files().get(1)).isEmpty());
        assertTrue(info.infoHashes().v1().isEmpty());
    }

    @Test
    void infoHashIsTheDigestOfTheInfoBytesAsReceived() throws Exception {
        Metainfo m = MetainfoParser.strict().parse(hybridFolder);
        byte[] raw = Dicts.decode(hybridFolder).rawValue("info").orElseThrow();
        assertArrayEquals(MetainfoParser.digest("SHA-256", raw), m.infoHashes().v2().bytes());
        assertArrayEquals(MetainfoParser.digest("SHA-1", raw), m.infoHashes().v1().orElseThrow().bytes());
        assertArrayEquals(raw, m.info().bytes());
        assertEquals(20, m.infoHashes().v2Truncated().length());
        assertArrayEquals(java.util.Arrays.copyOf(m.infoHashes().v2().bytes(), 20), m.infoHashes().v2Truncated().bytes());
    }

    @Test
    void parseInfoAloneGivesTheSameDictionaryAndLayersValidateSeparately() throws Exception {
        Metainfo full = MetainfoParser.strict().parse(hybridFolder);
        InfoDictionary info = MetainfoParser.strict().parseInfo(full.info().bytes());
        assertEquals(full.infoHashes(), info.infoHashes());
        assertEquals(full.info().files(), info.files());
        PieceLayers layers = PieceLayers.validate(info, full.pieceLayers().asMap());
        assertEquals(full.pieceLayers().size(), layers.size());
        assertThrows(MetainfoException.class, () -> PieceLayers.validate(info, Map.of()));
    }

    @Test
    void parsesTheV1HalfOfAHybrid() throws Exception {
        InfoDictionary info = MetainfoParser.strict().parse(hybridFolder).info();
        V1Info v1 = info.v1().orElseThrow();
        assertFalse(v1.singleFileForm());
        assertEquals(8, v1.pieceCount());
        List<String> v1Paths = v1.files().stream().map(f -> f.path() + (f.padding() ? "*" : "")).toList();
        assertEquals(List.of("a/x", ".pad/32758*", "a.txt", ".pad/27768*", "b.bin", ".pad/31072*", "empty.txt",
                "sub/exact.bin"), v1Paths);
    }

    @Test
    void verifiesEveryPieceOfTheRealDataAndRejectsChangedData() throws Exception {
        Metainfo m = MetainfoParser.strict().parse(v2Folder);
        InfoDictionary info = m.info();
        for (int piece = 0; piece < info.pieceCount(); piece++) {
            FileEntry file = info.fileAtPiece(piece);
            byte[] data = Files.readAllBytes(info.resolveUnder(file, dir));
            int local = piece - file.firstPiece();
            int size = file.pieceSize(local, PIECE);
            byte[] pieceData = java.util.Arrays.copyOfRange(data, local * PIECE, local * PIECE + size);
            assertTrue(m.verifyPiece(piece, pieceData), "piece " + piece + " of " + file.path());
            pieceData[size / 2] ^= 1;
            assertFalse(m.verifyPiece(piece, pieceData), "changed piece " + piece);
            assertFalse(m.verifyPiece(piece, java.util.Arrays.copyOf(pieceData, size + 1)), "wrong length");
        }
    }

    @Test
    void findsTheFileOfEachPieceAcrossEmptyFiles() throws Exception {
        InfoDictionary info = MetainfoParser.strict().parse(v2Folder).info();
        String[] expected = {"a/x", "a.txt", "b.bin", "b.bin", "b.bin", "b.bin", "sub/exact.bin", "sub/exact.bin"};
        for (int piece = 0; piece < expected.length; piece++) {
            assertEquals(expected[piece], info.fileAtPiece(piece).path().toString());
        }
        assertThrows(IndexOutOfBoundsException.class, () -> info.fileAtPiece(8));
    }

    @Test
    void storagePathsAreBelowTheTorrentName() throws Exception {
        InfoDictionary info = MetainfoParser.strict().parse(v2Folder).info();
        assertEquals(dir.toAbsolutePath().resolve("content/sub/exact.bin"), info.resolveUnder(info.files().get(4), dir));
    }

    // --- meta version, name, piece length ---

    @Test
    void metaVersionIsCheckedFirst() {
        BencodeDictionary t = Dicts.decode(v2Folder);
        assertRejected(withInfo(withInfo(t, "meta version", BencodeInteger.of(3)), "piece length", BencodeInteger.of(1)),
                "3 is newer than the supported version 2");
        assertRejected(withInfo(t, "meta version", BencodeInteger.of(1)), "not a valid version");
        assertRejected(withInfo(t, "meta version", null), "info.meta version: missing");
        assertRejected(withInfo(withInfo(t, "meta version", null), "pieces", BencodeString.of(new byte[20])),
                "v1-only torrent");
        assertRejected(withInfo(t, "meta version", BencodeString.of("2")), "expected an integer, found a string");
    }

    @Test
    void pieceLengthMustBeAPowerOfTwoOfAtLeast16KiB() {
        BencodeDictionary t = Dicts.decode(v2Folder);
        for (long bad : new long[] {0, -16384, 1000, 8192, 3 * 16384, 1L << 29, 1L << 40}) {
            assertRejected(withInfo(t, "piece length", BencodeInteger.of(bad)), "is not a power of two");
        }
        assertRejected(withInfo(t, "piece length", null), "info.piece length: missing");
    }

    @Test
    void missingInfoOrWrongTypesAreNamed() {
        BencodeDictionary t = Dicts.decode(v2Folder);
        assertRejected(with(t, "info", null), "info: missing");
        assertRejected(with(t, "info", BencodeList.of()), "info: expected a dictionary, found a list");
        assertRejected(withInfo(t, "name", BencodeInteger.of(1)), "info.name: expected a string");
        assertRejected(with(t, "announce", BencodeInteger.of(1)), "announce: expected a string");
        assertRejected(withInfo(t, "private", BencodeInteger.of(2)), "info.private: must be 0 or 1");
    }

    @Test
    void aMultiFileTorrentNeedsASafeNameForItsDirectory() {
        BencodeDictionary t = Dicts.decode(v2Folder);
        assertRejected(withInfo(t, "name", BencodeString.of("..")), "info.name: names the torrent's directory");
        assertRejected(withInfo(t, "name", BencodeString.of("a/b")), "path separator");
    }

    @Test
    void notBencodeOrTrailingBytesAreRejected() {
        MetainfoException e = assertThrows(MetainfoException.class,
                () -> MetainfoParser.strict().parse("not a torrent".getBytes(StandardCharsets.US_ASCII)));
        assertTrue(e.getMessage().contains("not valid bencoding"), e::getMessage);
        byte[] trailing = java.util.Arrays.copyOf(v2Folder, v2Folder.length + 1);
        MetainfoException t = assertThrows(MetainfoException.class, () -> MetainfoParser.strict().parse(trailing));
        assertTrue(t.getMessage().contains("trailing"), t::getMessage);
    }

    // --- file tree ---

    private static BencodeDictionary fileNode(long length, byte[] root) {
        BencodeDictionary.Builder props = BencodeDictionary.builder().put("length", length);
        if (root != null) {
            props.put("pieces root", root);
        }
        return BencodeDictionary.builder().put("", props.build()).build();
    }

    private BencodeDictionary withTree(BencodeDictionary tree) {
        return with(withInfo(Dicts.decode(v2Folder), "file tree", tree), "piece layers", BencodeDictionary.empty());
    }

    @Test
    void hostileFileTreesAreRejected() {
        byte[] root = MerkleTree.piecesRoot(new byte[10]);
        BencodeDictionary file = fileNode(10, root);
        assertRejected(withTree(BencodeDictionary.builder().put("..", file).build()), "relative directory reference");
        assertRejected(withTree(BencodeDictionary.builder()
                .put("dir", BencodeDictionary.builder().put("..", BencodeDictionary.builder().put("..", file).build())
                        .build()).build()), "in \"dir\": path component \"..\"");
        assertRejected(withTree(BencodeDictionary.builder().put("a/../../etc", file).build()), "path separator");
        assertRejected(withTree(BencodeDictionary.builder().put("d", BencodeDictionary.builder()
                .put("", fileNode(10, root)).put("e", file).build()).build()), "is a file but has other entries");
        assertRejected(withTree(BencodeDictionary.builder().put("d", BencodeDictionary.builder()
                .put("", BencodeDictionary.builder().put("", file).build()).build()).build()), "length: missing");
        assertRejected(withTree(BencodeDictionary.builder().put("CON", file).build()), "reserved device name");
        assertRejected(withTree(BencodeDictionary.builder()
                .put(BencodeString.of(new byte[] {(byte) 0xc0, (byte) 0xae}), file).build()), "not valid UTF-8");
    }

    @Test
    void fileTreeStructureIsValidated() {
        byte[] root = MerkleTree.piecesRoot(new byte[10]);
        BencodeDictionary props = BencodeDictionary.builder().put("length", 10).put("pieces root", root).build();
        assertRejected(withTree(BencodeDictionary.empty()), "file tree: is empty");
        assertRejected(withTree(BencodeDictionary.builder().put("", props).build()), "root must be a directory");
        assertRejected(withTree(BencodeDictionary.builder().put("f", BencodeDictionary.builder()
                .put("", props).put("x", fileNode(10, root)).build()).build()), "is a file but has other entries");
        assertRejected(withTree(BencodeDictionary.builder().put("d", BencodeDictionary.empty()).build()),
                "directory \"d\" is empty");
        assertRejected(withTree(BencodeDictionary.builder().put("f", fileNode(10, null)).build()),
                "\"f\" pieces root: missing");
        assertRejected(withTree(BencodeDictionary.builder().put("f", fileNode(10, new byte[31])).build()),
                "31 bytes, expected 32");
        assertRejected(withTree(BencodeDictionary.builder().put("f", fileNode(-1, root)).build()), "negative");
        assertRejected(withTree(BencodeDictionary.builder().put("f", fileNode(0, null)).build()), "all files are empty");
        assertRejected(withTree(BencodeDictionary.builder().put("f", BencodeInteger.of(1)).build()),
                "entry \"f\": expected a dictionary");
    }

    @Test
    void aSingleFileTreeIsStoredUnderItsOwnKeyWhateverTheName() throws Exception {
        byte[] content = Content.bytes(1000, 5);
        BencodeDictionary t = withInfo(withTree(BencodeDictionary.builder()
                .put("movie.mkv", fileNode(1000, MerkleTree.piecesRoot(content))).build()), "name", BencodeString.of(".."));
        InfoDictionary info = MetainfoParser.strict().parse(encode(t)).info();
        assertTrue(info.isSingleFile());
        assertTrue(info.rootDirectory().isEmpty(), "the name is advisory only");
        assertEquals(dir.toAbsolutePath().resolve("movie.mkv"), info.resolveUnder(info.files().get(0), dir));
    }

    // --- piece layers ---

    @Test
    void pieceLayersAreValidatedAgainstTheRoots() throws Exception {
        BencodeDictionary t = Dicts.decode(v2Folder);
        BencodeDictionary layers = dict(t, "piece layers");
        Map.Entry<BencodeString, BencodeValue> first = layers.entries().entrySet().iterator().next();
        byte[] layer = ((BencodeString) first.getValue()).bytes();

        assertRejected(with(t, "piece layers", null), "piece layers: missing");
        BencodeDictionary.Builder without = BencodeDictionary.builder();
        layers.entries().forEach((k, v) -> {
            if (!k.equals(first.getKey())) {
                without.put(k, v);
            }
        });
        assertRejected(with(t, "piece layers", without.build()), "no layer for");

        byte[] flipped = layer.clone();
        flipped[0] ^= 1;
        assertRejected(with(t, "piece layers", replace(layers, first.getKey(), flipped)),
                "does not hash to its pieces root");
        assertRejected(with(t, "piece layers", replace(layers, first.getKey(), java.util.Arrays.copyOf(layer, layer.length - 32))),
                "expected");
        assertRejected(with(t, "piece layers", replace(layers, first.getKey(), java.util.Arrays.copyOf(layer, layer.length + 1))),
                "expected");
        assertRejected(with(t, "piece layers", replace(layers, BencodeString.of(new byte[31]), layer)),
                "not a 32-byte pieces root");

        // An entry no file refers to is ignored: no hash covers it.
        BencodeDictionary extra = replace(layers, BencodeString.of(new byte[32]), new byte[64]);
        Metainfo m = MetainfoParser.strict().parse(encode(with(t, "piece layers", extra)));
        assertEquals(2, m.pieceLayers().size());
    }

    private static BencodeDictionary replace(BencodeDictionary d, BencodeString key, byte[] value) {
        BencodeDictionary.Builder b = BencodeDictionary.builder();
        d.entries().forEach(b::put);
        return b.put(key, BencodeString.of(value)).build();
    }

    // --- hybrid consistency ---

    private List<BencodeValue> v1Files() {
        return new ArrayList<>(((BencodeList) dict(Dicts.decode(hybridFolder), "info").get("files").orElseThrow()).values());
    }

    private BencodeDictionary hybridWithFiles(List<BencodeValue> files) {
        return withInfo(Dicts.decode(hybridFolder), "files", new BencodeList(files));
    }

    @Test
    void hybridPadFilesMustFillExactlyTheGap() {
        List<BencodeValue> files = v1Files();
        files.remove(1); // the pad after a/x
        assertRejected(hybridWithFiles(files), "not on its piece boundary");

        List<BencodeValue> wrongPad = v1Files();
        wrongPad.set(1, Dicts.with((BencodeDictionary) wrongPad.get(1), "length", BencodeInteger.of(32757)));
        assertRejected(hybridWithFiles(wrongPad), "gap to the next piece boundary is 32758");

        List<BencodeValue> extraPad = v1Files();
        extraPad.add(2, extraPad.get(1));
        assertRejected(hybridWithFiles(extraPad), "gap to the next piece boundary is 0");
    }

    @Test
    void hybridFileListsMustMatch() {
        List<BencodeValue> swapped = v1Files();
        BencodeValue ax = swapped.get(0);
        swapped.set(0, swapped.get(2));
        swapped.set(2, ax);
        assertRejected(hybridWithFiles(swapped), "differs from v2 file");

        List<BencodeValue> missing = v1Files();
        missing.remove(missing.size() - 1);
        assertRejected(hybridWithFiles(missing), "missing from the v1 file list");

        List<BencodeValue> hostile = v1Files();
        hostile.set(0, Dicts.with((BencodeDictionary) hostile.get(0), "path",
                BencodeList.of(BencodeString.of(".."), BencodeString.of("x"))));
        assertRejected(hybridWithFiles(hostile), "info.files[0].path: path component \"..\"");

        BencodeDictionary t = Dicts.decode(hybridFolder);
        assertRejected(withInfo(t, "pieces", BencodeString.of(new byte[7 * 20])), "info.pieces has 7 hashes");
        assertRejected(withInfo(t, "pieces", BencodeString.of(new byte[21])), "not a multiple of 20");
        assertRejected(withInfo(t, "length", BencodeInteger.of(5)), "exactly one of");
        assertRejected(withInfo(t, "files", null), "exactly one of");
    }

    // --- canonical form ---

    @Test
    void unsortedKeysNeedTheLenientParserAndTheHashCoversTheBytesAsReceived() throws Exception {
        byte[] canonical = v2Folder;
        String text = new String(canonical, StandardCharsets.ISO_8859_1);
        // Swap "name" and "meta version" inside info: same content, unsorted keys.
        String nameEntry = "4:name7:content";
        String versionEntry = "12:meta versioni2e";
        assertTrue(text.contains(versionEntry + nameEntry));
        byte[] unsorted = text.replace(versionEntry + nameEntry, nameEntry + versionEntry)
                .getBytes(StandardCharsets.ISO_8859_1);

        MetainfoException e = assertThrows(MetainfoException.class, () -> MetainfoParser.strict().parse(unsorted));
        assertTrue(e.getMessage().contains("not in sorted order"), e::getMessage);

        Metainfo lenient = MetainfoParser.lenient().parse(unsorted);
        byte[] rawInfo = Dicts.decode(canonical).rawValue("info").orElseThrow();
        assertNotEquals(HashValue.of(MetainfoParser.digest("SHA-256", rawInfo)), lenient.infoHashes().v2(),
                "a decode/encode round trip would have produced the canonical hash: BEP 52 forbids that");
        int start = new String(unsorted, StandardCharsets.ISO_8859_1).indexOf("4:infod") + 6;
        byte[] receivedInfo = java.util.Arrays.copyOfRange(unsorted, start, start + rawInfo.length);
        assertArrayEquals(MetainfoParser.digest("SHA-256", receivedInfo), lenient.infoHashes().v2().bytes());
    }

    @Test
    void trackersAndOptionalFieldsAreRead() throws Exception {
        BencodeDictionary t = Dicts.decode(v2Folder);
        t = with(t, "announce", BencodeString.of("http://127.0.0.1:1/announce"));
        t = with(t, "announce-list", BencodeList.of(BencodeList.of(BencodeString.of("http://a/announce")),
                BencodeList.of(), BencodeList.of(BencodeString.of("http://b/announce"), BencodeString.of("http://c/announce"))));
        t = with(t, "comment", BencodeString.of("hello"));
        t = with(t, "creation date", BencodeInteger.of(1_700_000_000L));
        Metainfo m = MetainfoParser.strict().parse(encode(t));
        assertEquals("http://127.0.0.1:1/announce", m.announce().orElseThrow());
        assertEquals(List.of(List.of("http://a/announce"), List.of("http://b/announce", "http://c/announce")),
                m.announceList(), "empty tiers are dropped");
        assertEquals("hello", m.comment().orElseThrow());
        assertEquals(1_700_000_000L, m.creationDate().orElseThrow());
        assertRejected(with(t, "announce-list", BencodeList.of(BencodeString.of("x"))), "announce-list tier: expected a list");
        Metainfo badComment = MetainfoParser.strict().parse(encode(with(t, "comment",
                BencodeString.of(new byte[] {'o', 'k', (byte) 0xff}))));
        assertEquals("ok\ufffd", badComment.comment().orElseThrow(), "free text never fails a torrent");
    }

    @Test
    void duplicateLayersForIdenticalFilesAreShared() throws Exception {
        Path twins = dir.resolve("twins");
        byte[] data = Content.bytes(100_000, 77);
        Files.createDirectories(twins);
        Files.write(twins.resolve("one"), data);
        Files.write(twins.resolve("two"), data);
        Metainfo m = TorrentCreator.forPath(twins).pieceLength(PIECE).create().metainfo();
        assertEquals(1, m.pieceLayers().size());
        assertEquals(m.info().files().get(0).piecesRoot(), m.info().files().get(1).piecesRoot());
        Map<HashValue, byte[]> layers = new HashMap<>(m.pieceLayers().asMap());
        assertEquals(1, layers.size());
    }

    /** Regression: MetainfoFuzzTest found a second file accepted with another file's layer. */
    @Test
    void filesSharingARootMustFitTheSharedLayer() throws Exception {
        Path twins = dir.resolve("twins");
        byte[] data = Content.bytes(100_000, 77);
        Files.createDirectories(twins);
        Files.write(twins.resolve("one"), data);
        Files.write(twins.resolve("two"), data);
        BencodeDictionary t = Dicts.decode(TorrentCreator.forPath(twins).pieceLength(PIECE).create().bytes());
        BencodeDictionary tree = dict(dict(t, "info"), "file tree");
        BencodeDictionary two = dict(dict(tree, "two"), "");
        BencodeDictionary longer = with(tree, "two",
                BencodeDictionary.builder().put("", with(two, "length", BencodeInteger.of(200_000))).build());
        assertRejected(withInfo(t, "file tree", longer), "layer of \"two\" has 128 bytes, expected 224");
    }
}
