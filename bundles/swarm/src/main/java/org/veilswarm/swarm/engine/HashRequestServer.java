package org.veilswarm.swarm.engine;

import java.util.HashMap;
import java.util.Map;

import org.veilswarm.metainfo.FileEntry;
import org.veilswarm.metainfo.HashValue;
import org.veilswarm.metainfo.MerkleTree;
import org.veilswarm.metainfo.Metainfo;
import org.veilswarm.peerwire.HashRange;
import org.veilswarm.peerwire.HashReject;
import org.veilswarm.peerwire.Hashes;
import org.veilswarm.peerwire.PeerMessage;

/**
 * Answers BEP 52 {@code hash request}s from the torrent's piece layers: a peer that joined with a magnet
 * link (BEP 9 gives it the info dictionary, not the piece layers) asks for them before it can verify
 * anything. Requests for other layers (block hashes) are rejected: answering them would mean reading and
 * hashing whole files for a peer. The reply layout follows libtorrent's reading of "proof layers"
 * ({@link HashRange#uncleCount()}, docs/protocols/peer-wire.md): the base hashes, padded past the end of
 * the layer with the hash of an all-zero piece, then the uncles.
 */
final class HashRequestServer {

    private final Metainfo metainfo;
    private final Map<HashValue, FileEntry> filesByRoot = new HashMap<>();
    private final int pieceLayer;

    HashRequestServer(Metainfo metainfo) {
        this.metainfo = metainfo;
        this.pieceLayer = MerkleTree.pieceLayerLevel(metainfo.info().pieceLength());
        for (FileEntry f : metainfo.info().files()) {
            if (f.hasPieceLayer(metainfo.info().pieceLength())) {
                filesByRoot.putIfAbsent(f.piecesRoot().orElseThrow(), f);
            }
        }
    }

    PeerMessage answer(HashRange range) {
        FileEntry file = filesByRoot.get(range.piecesRoot());
        if (file == null || range.baseLayer() != pieceLayer) {
            return new HashReject(range);
        }
        byte[] layer = metainfo.pieceLayers().layer(file).orElse(null);
        int height = MerkleTree.treeHeight(file.length());
        long layerWidth = 1L << Math.max(0, height - range.baseLayer());
        if (layer == null || range.proofLayers() >= height - range.baseLayer()
                || (long) range.index() + range.length() > layerWidth) {
            return new HashReject(range);
        }
        byte[] uncles = MerkleTree.uncles(layer, range.baseLayer(), file.length(), range.index(), range.length());
        int uncleCount = Math.min(range.uncleCount(), uncles.length / MerkleTree.HASH_LENGTH);
        byte[] out = new byte[(range.length() + uncleCount) * MerkleTree.HASH_LENGTH];
        byte[] pad = MerkleTree.zeroSubtreeRoot(range.baseLayer());
        for (int i = 0; i < range.length(); i++) {
            long source = (long) range.index() + i;
            byte[] from = (source + 1) * MerkleTree.HASH_LENGTH <= layer.length ? layer : pad;
            int at = from == layer ? (int) source * MerkleTree.HASH_LENGTH : 0;
            System.arraycopy(from, at, out, i * MerkleTree.HASH_LENGTH, MerkleTree.HASH_LENGTH);
        }
        System.arraycopy(uncles, 0, out, range.length() * MerkleTree.HASH_LENGTH, uncleCount * MerkleTree.HASH_LENGTH);
        return new Hashes(range, out);
    }
}
