package org.veilswarm.metainfo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Path;
import org.veilswarm.bencode.BencodeLimits;

/**
 * Jazzer fuzz target for the metainfo parser. In a plain {@code mvn verify} it runs once per seed in
 * {@code src/test/resources/org/veilswarm/metainfo/MetainfoFuzzTestInputs/parse/} (real torrents from
 * libtorrent and from us, plus broken ones); {@code JAZZER_FUZZ=1} mutates (docs/fuzzing.md).
 */
class MetainfoFuzzTest {

    private static final MetainfoParser PARSER = MetainfoParser.lenient()
            .withLimits(BencodeLimits.DEFAULT.withMaxInputBytes(1 << 20).withMaxElements(100_000));

    /** Only MetainfoException may escape; whatever parses must be internally consistent. */
    @FuzzTest(maxDuration = "60s")
    void parse(byte[] input) {
        Metainfo m;
        try {
            m = PARSER.parse(input);
        } catch (MetainfoException expected) {
            return;
        }
        InfoDictionary info = m.info();
        assertArrayEquals(MetainfoParser.digest("SHA-256", info.bytes()), info.infoHashes().v2().bytes());
        assertTrue(info.totalLength() > 0 && info.pieceCount() > 0);
        Path downloads = Path.of("/downloads");
        for (FileEntry f : info.files()) {
            try {
                assertTrue(info.resolveUnder(f, downloads).startsWith(downloads));
            } catch (MetainfoException e) {
                throw new AssertionError("a validated path did not resolve", e);
            }
            if (f.pieceCount() > 0) {
                assertEquals(f, info.fileAtPiece(f.firstPiece()));
                assertEquals(f, info.fileAtPiece(f.firstPiece() + f.pieceCount() - 1));
            }
            if (f.hasPieceLayer(info.pieceLength())) {
                assertEquals(f.pieceCount() * 32, m.pieceLayers().layer(f).orElseThrow().length);
            }
        }
        // The bare info dictionary (BEP 9) must parse to the same thing.
        try {
            assertEquals(info.infoHashes(), PARSER.parseInfo(info.bytes()).infoHashes());
        } catch (MetainfoException e) {
            throw new AssertionError("info parsed inside the torrent but not alone", e);
        }
    }
}
