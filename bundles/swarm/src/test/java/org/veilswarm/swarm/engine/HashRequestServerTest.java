package org.veilswarm.swarm.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veilswarm.metainfo.CreatedTorrent;
import org.veilswarm.metainfo.FileEntry;
import org.veilswarm.metainfo.MerkleTree;
import org.veilswarm.metainfo.TorrentMode;
import org.veilswarm.peerwire.HashRange;
import org.veilswarm.peerwire.HashReject;
import org.veilswarm.peerwire.Hashes;

/** BEP 52 hash requests as a peer that joined by magnet link sends them (see docs/protocols/peer-wire.md). */
class HashRequestServerTest {

    @TempDir
    Path dir;

    @Test
    void theWholePieceLayerComesBackPaddedAndProvesToThePiecesRoot() throws Exception {
        // 300,000 bytes, 64 KiB pieces: 5 pieces, a piece layer of 8 with 3 padding hashes (libtorrent's request)
        CreatedTorrent t = Loopback.torrent(Loopback.content(dir, "a.bin", 1, 300_000), TorrentMode.V2_ONLY, 65_536);
        FileEntry file = t.metainfo().info().files().get(0);
        HashRange range = new HashRange(file.piecesRoot().orElseThrow(), 2, 0, 8, 2);
        Hashes hashes = assertInstanceOf(Hashes.class, new HashRequestServer(t.metainfo()).answer(range));
        assertEquals(8, hashes.hashCount());
        byte[] layer = t.metainfo().pieceLayers().layer(file).orElseThrow();
        assertArrayEquals(layer, Arrays.copyOf(hashes.baseHashes(), layer.length));
        assertTrue(hashes.verify(file.length(), new byte[0]));
    }

    @Test
    void aPartOfTheLayerCarriesItsUncles() throws Exception {
        CreatedTorrent t = Loopback.torrent(Loopback.content(dir, "b.bin", 2, 1_000_000), TorrentMode.V2_ONLY, 16_384);
        FileEntry file = t.metainfo().info().files().get(0);
        int height = MerkleTree.treeHeight(file.length());
        HashRange range = new HashRange(file.piecesRoot().orElseThrow(), 0, 4, 4, HashRange.proofLayersToRoot(height, 0));
        Hashes hashes = assertInstanceOf(Hashes.class, new HashRequestServer(t.metainfo()).answer(range));
        assertEquals(4 + range.uncleCount(), hashes.hashCount());
        assertTrue(hashes.verify(file.length(), new byte[0]), "proves to the root");
    }

    @Test
    void blockLayersUnknownRootsAndTooManyProofLayersAreRejected() throws Exception {
        CreatedTorrent t = Loopback.torrent(Loopback.content(dir, "c.bin", 3, 300_000), TorrentMode.V2_ONLY, 65_536);
        FileEntry file = t.metainfo().info().files().get(0);
        HashRequestServer server = new HashRequestServer(t.metainfo());
        HashRange blocks = new HashRange(file.piecesRoot().orElseThrow(), 0, 0, 4, 4);
        assertInstanceOf(HashReject.class, server.answer(blocks));
        HashRange unknown = new HashRange(org.veilswarm.metainfo.HashValue.of(new byte[32]), 2, 0, 8, 2);
        assertInstanceOf(HashReject.class, server.answer(unknown));
        HashRange tooDeep = new HashRange(file.piecesRoot().orElseThrow(), 2, 0, 8, 3);
        assertInstanceOf(HashReject.class, server.answer(tooDeep));
    }
}
