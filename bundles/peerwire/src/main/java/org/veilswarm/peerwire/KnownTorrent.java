package org.veilswarm.peerwire;

import org.veilswarm.metainfo.InfoHashes;

/**
 * A torrent a handshake may name: its info-hashes and, when its metadata is known, its piece count
 * (-1 before BEP 9 metadata has arrived).
 */
public record KnownTorrent(InfoHashes infoHashes, int pieceCount) {

    public KnownTorrent {
        if (infoHashes == null || pieceCount < -1) {
            throw new IllegalArgumentException("infoHashes required, pieceCount >= -1");
        }
    }

    public boolean isHybrid() {
        return infoHashes.v1().isPresent();
    }
}
