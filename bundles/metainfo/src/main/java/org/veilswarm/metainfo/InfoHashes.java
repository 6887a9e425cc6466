package org.veilswarm.metainfo;

import java.util.Objects;
import java.util.Optional;

/**
 * The identities of a torrent: the v2 info-hash (SHA-256 of the bencoded {@code info} dictionary,
 * BEP 52) and, for a hybrid torrent, the v1 info-hash (SHA-1 of the same bytes, BEP 3).
 */
public record InfoHashes(HashValue v2, Optional<HashValue> v1) {

    public InfoHashes {
        Objects.requireNonNull(v2, "v2");
        Objects.requireNonNull(v1, "v1");
        if (v2.length() != HashValue.SHA256_LENGTH) {
            throw new IllegalArgumentException("v2 info-hash must be 32 bytes");
        }
        if (v1.isPresent() && v1.get().length() != HashValue.SHA1_LENGTH) {
            throw new IllegalArgumentException("v1 info-hash must be 20 bytes");
        }
    }

    /** The v2 hash truncated to 20 bytes, as sent in handshakes and tracker announces (BEP 52). */
    public HashValue v2Truncated() {
        return v2.truncated();
    }
}
