package org.veilswarm.peerwire.metadata;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;
import java.util.Optional;
import org.veilswarm.metainfo.HashValue;
import org.veilswarm.metainfo.InfoHashes;

/**
 * The info-hashes a downloader knows before it has the metadata (from a share or magnet link): the v2
 * SHA-256 hash (BEP 52, {@code urn:btmh}), the v1 SHA-1 hash of a hybrid (BEP 3, {@code urn:btih}), or
 * both. Received metadata is accepted only if it matches every hash that is known.
 */
public record ExpectedInfoHashes(Optional<HashValue> v2, Optional<HashValue> v1) {

    public ExpectedInfoHashes {
        Objects.requireNonNull(v2, "v2");
        Objects.requireNonNull(v1, "v1");
        if (v2.isEmpty() && v1.isEmpty()) {
            throw new IllegalArgumentException("at least one info-hash is needed");
        }
        if (v2.isPresent() && v2.get().length() != HashValue.SHA256_LENGTH) {
            throw new IllegalArgumentException("a v2 info-hash is 32 bytes (SHA-256); a truncated one cannot verify");
        }
        if (v1.isPresent() && v1.get().length() != HashValue.SHA1_LENGTH) {
            throw new IllegalArgumentException("a v1 info-hash is 20 bytes (SHA-1)");
        }
    }

    public static ExpectedInfoHashes v2(HashValue sha256) {
        return new ExpectedInfoHashes(Optional.of(sha256), Optional.empty());
    }

    /** The v1 hash of a hybrid torrent alone. */
    public static ExpectedInfoHashes v1(HashValue sha1) {
        return new ExpectedInfoHashes(Optional.empty(), Optional.of(sha1));
    }

    public static ExpectedInfoHashes of(InfoHashes hashes) {
        return new ExpectedInfoHashes(Optional.of(hashes.v2()), hashes.v1());
    }

    /** True when {@code info} hashes to every known info-hash (compared in constant time). */
    public boolean matches(byte[] info) {
        return v2.map(h -> MessageDigest.isEqual(h.bytes(), digest("SHA-256", info))).orElse(true)
                && v1.map(h -> MessageDigest.isEqual(h.bytes(), digest("SHA-1", info))).orElse(true);
    }

    private static byte[] digest(String algorithm, byte[] bytes) {
        try {
            return MessageDigest.getInstance(algorithm).digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has " + algorithm, e);
        }
    }

    @Override
    public String toString() {
        return "ExpectedInfoHashes[" + v2.map(h -> "v2 " + h.hex()).orElse("")
                + (v2.isPresent() && v1.isPresent() ? ", " : "") + v1.map(h -> "v1 " + h.hex()).orElse("") + "]";
    }
}
