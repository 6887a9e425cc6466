package org.veilswarm.metainfo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.veilswarm.bencode.BencodeDictionary;
import org.veilswarm.bencode.BencodeString;

/**
 * Interoperability with libtorrent 2.0 (python3-libtorrent), the reference v2 implementation: its
 * torrents parse with us to the same info-hashes, ours load in it with the same hashes and files and
 * pass its full hash check, and for the same content both produce byte-identical info dictionaries.
 */
class LibtorrentInteropTest {

    @TempDir
    Path dir;

    private Path data;

    @BeforeAll
    static void libtorrentIsInstalled() throws Exception {
        Libtorrent.requireAvailable();
    }

    /**
     * Content under {@code data/}: {@code folder/} (a file smaller than a piece, one of exactly two
     * pieces, one spanning several pieces with a short last one, an empty file, a directory that sorts
     * before a file of similar name), {@code single.bin} (several pieces) and {@code small.bin} (less
     * than one block).
     */
    @BeforeEach
    void content() throws Exception {
        data = dir.resolve("data");
        Content.mixedFolder(data, "folder");
        Content.write(data.resolve("folder/sub/big.bin"), 700_001);
        Content.write(data.resolve("single.bin"), 300_000);
        Content.write(data.resolve("small.bin"), 5_000);
    }

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (TorrentMode mode : TorrentMode.values()) {
            for (String source : new String[] {"folder", "single.bin", "small.bin"}) {
                for (int pieceLength : new int[] {16384, 32768}) {
                    cases.add(Arguments.of(mode, source, pieceLength));
                }
            }
        }
        cases.add(Arguments.of(TorrentMode.HYBRID, "folder", 262144));
        return cases.stream();
    }

    /** (a) libtorrent creates, we parse: same info-hashes and the same files with the same roots. */
    @ParameterizedTest(name = "{0} {1} piece {2}")
    @MethodSource("cases")
    void libtorrentTorrentsParseWithTheSameInfoHashes(TorrentMode mode, String source, int pieceLength) throws Exception {
        Path torrent = dir.resolve("lt.torrent");
        Libtorrent.create(data.resolve(source), pieceLength, mode, torrent);
        Libtorrent.Inspection lt = Libtorrent.inspect(torrent);

        Metainfo ours = MetainfoParser.strict().parse(Files.readAllBytes(torrent));
        assertEquals(lt.v2(), ours.infoHashes().v2().hex(), "v2 info-hash");
        assertEquals(lt.v1(), ours.infoHashes().v1().map(HashValue::hex).orElse(""), "v1 info-hash");
        assertEquals(mode == TorrentMode.HYBRID, ours.info().isHybrid());
        assertEquals(lt.numPieces(), ours.info().pieceCount());
        assertSameFiles(lt, ours.info());
        assertPiecesVerify(ours, data);
    }

    /** (b) we create, libtorrent loads: same hashes, same files, and its full hash check passes. */
    @ParameterizedTest(name = "{0} {1} piece {2}")
    @MethodSource("cases")
    void ourTorrentsLoadInLibtorrentAndPassItsHashCheck(TorrentMode mode, String source, int pieceLength) throws Exception {
        Path torrent = dir.resolve("ours.torrent");
        Metainfo ours = TorrentCreator.forPath(data.resolve(source)).pieceLength(pieceLength).mode(mode)
                .createTo(torrent).metainfo();
        Libtorrent.Inspection lt = Libtorrent.inspect(torrent);
        assertEquals(ours.infoHashes().v2().hex(), lt.v2());
        assertEquals(ours.infoHashes().v1().map(HashValue::hex).orElse(""), lt.v1());
        assertEquals(ours.info().pieceCount(), lt.numPieces());
        assertSameFiles(lt, ours.info());

        Map<String, String> check = Libtorrent.check(torrent, data);
        assertEquals("1", check.get("checked"), () -> "libtorrent did not finish checking: " + check);
        assertEquals(check.get("total_pieces"), check.get("num_pieces"), () -> "libtorrent found bad pieces: " + check);
        assertEquals("1", check.get("seeding"), check::toString);
    }

    /** (c) the same files, name and piece length give byte-identical info dictionaries. */
    @ParameterizedTest(name = "{0} {1} piece {2}")
    @MethodSource("cases")
    void sameContentGivesTheSameInfoDictionaryAsLibtorrent(TorrentMode mode, String source, int pieceLength)
            throws Exception {
        Path ltTorrent = dir.resolve("lt.torrent");
        Libtorrent.create(data.resolve(source), pieceLength, mode, ltTorrent);
        byte[] ltBytes = Files.readAllBytes(ltTorrent);
        CreatedTorrent ours = TorrentCreator.forPath(data.resolve(source)).pieceLength(pieceLength).mode(mode).create();

        BencodeDictionary ltDict = Dicts.decode(ltBytes);
        BencodeDictionary ourDict = Dicts.decode(ours.bytes());
        assertArrayEquals(ltDict.rawValue("info").orElseThrow(), ourDict.rawValue("info").orElseThrow(),
                "info dictionaries differ");
        assertEquals(ltDict.get("piece layers"), ourDict.get("piece layers"));
        Metainfo lt = MetainfoParser.strict().parse(ltBytes);
        assertEquals(lt.infoHashes(), ours.metainfo().infoHashes());
        // Outside info libtorrent adds "creation date"; we add nothing unless asked.
        assertTrue(ltDict.containsKey("creation date"));
        assertFalse(ourDict.containsKey("creation date"));
    }

    /**
     * The checks above can fail: a session refuses a torrent whose piece layer we corrupted (libtorrent's
     * {@code torrent_info} still loads it: it validates layers only when the torrent is added).
     */
    @Test
    void libtorrentRejectsACorruptedPieceLayerAndSoDoWe() throws Exception {
        Path torrent = dir.resolve("ours.torrent");
        byte[] bytes = TorrentCreator.forPath(data.resolve("single.bin")).pieceLength(16384).create().bytes();
        BencodeDictionary t = Dicts.decode(bytes);
        BencodeDictionary layers = Dicts.dict(t, "piece layers");
        BencodeString root = layers.entries().firstKey();
        byte[] layer = ((BencodeString) layers.entries().get(root)).bytes();
        layer[5] ^= 1;
        byte[] corrupted = Dicts.encode(Dicts.with(t, "piece layers",
                BencodeDictionary.builder().put(root, BencodeString.of(layer)).build()));
        Files.write(torrent, corrupted);

        AssertionError ltRefused = assertThrows(AssertionError.class, () -> Libtorrent.check(torrent, data));
        assertTrue(ltRefused.getMessage().contains("a piece layer is invalid"), ltRefused::getMessage);
        MetainfoException ours = assertThrows(MetainfoException.class, () -> MetainfoParser.strict().parse(corrupted));
        assertTrue(ours.getMessage().contains("does not hash to its pieces root"), ours::getMessage);
    }

    /** libtorrent's hash check notices one changed byte in data described by our torrent. */
    @Test
    void libtorrentFindsABadPieceInOurTorrentsData() throws Exception {
        Path torrent = dir.resolve("ours.torrent");
        TorrentCreator.forPath(data.resolve("folder")).pieceLength(16384).mode(TorrentMode.HYBRID).createTo(torrent);
        Path victim = data.resolve("folder/b.bin");
        byte[] content = Files.readAllBytes(victim);
        content[40_000] ^= 1;
        Files.write(victim, content);
        Map<String, String> check = Libtorrent.check(torrent, data);
        assertEquals(Integer.parseInt(check.get("total_pieces")) - 1, Integer.parseInt(check.get("num_pieces")),
                check::toString);
    }

    private static void assertSameFiles(Libtorrent.Inspection lt, InfoDictionary ours) {
        List<Libtorrent.LtFile> ltFiles = lt.dataFiles();
        assertEquals(ltFiles.size(), ours.files().size(), () -> "libtorrent files: " + ltFiles);
        for (int i = 0; i < ltFiles.size(); i++) {
            Libtorrent.LtFile l = ltFiles.get(i);
            FileEntry f = ours.files().get(i);
            assertEquals(l.path(), ours.storagePath(f).toString(), "storage path of file " + i);
            assertEquals(l.size(), f.length());
            assertEquals((long) f.firstPiece() * ours.pieceLength(), l.offset(), "offset of " + l.path());
            assertEquals(f.piecesRoot().map(HashValue::hex).orElse("0".repeat(64)), l.root(), "root of " + l.path());
        }
    }

    private static void assertPiecesVerify(Metainfo m, Path savePath) throws Exception {
        InfoDictionary info = m.info();
        for (int piece = 0; piece < info.pieceCount(); piece++) {
            FileEntry f = info.fileAtPiece(piece);
            byte[] content = Files.readAllBytes(info.resolveUnder(f, savePath));
            int local = piece - f.firstPiece();
            int start = local * info.pieceLength();
            byte[] pieceData = java.util.Arrays.copyOfRange(content, start, start + f.pieceSize(local, info.pieceLength()));
            assertTrue(m.verifyPiece(piece, pieceData), "piece " + piece);
        }
    }
}
