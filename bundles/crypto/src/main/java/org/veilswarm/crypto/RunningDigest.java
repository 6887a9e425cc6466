package org.veilswarm.crypto;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * A digest that keeps absorbing data and whose current value can be read at any time without
 * finishing it: tor's relay-cell running digests (tor-spec §6.1, "Digest" field; SHA-1 for normal
 * circuits, SHA3-256 for onion-service circuits). {@link #copy()} snapshots the state, e.g. to
 * roll back after a cell turns out not to be addressed to this hop.
 *
 * <p>Not thread-safe: one instance belongs to one circuit hop direction.
 */
public final class RunningDigest {
    private final MessageDigest digest;

    private RunningDigest(MessageDigest digest) {
        this.digest = digest;
    }

    public static RunningDigest sha1() {
        return new RunningDigest(Digests.newMessageDigest("SHA-1"));
    }

    public static RunningDigest sha256() {
        return new RunningDigest(Digests.newMessageDigest("SHA-256"));
    }

    public static RunningDigest sha3_256() {
        return new RunningDigest(Digests.newMessageDigest("SHA3-256"));
    }

    public RunningDigest update(byte[] data) {
        digest.update(Objects.requireNonNull(data, "data"));
        return this;
    }

    public RunningDigest update(byte[] data, int offset, int length) {
        Objects.requireNonNull(data, "data");
        Objects.checkFromIndexSize(offset, length, data.length);
        digest.update(data, offset, length);
        return this;
    }

    /** Absorbs the buffer's remaining bytes; the position moves to the limit. */
    public RunningDigest update(ByteBuffer data) {
        digest.update(Objects.requireNonNull(data, "data"));
        return this;
    }

    /** The digest of everything absorbed so far; this digest keeps running. */
    public byte[] currentValue() {
        return cloneDigest().digest();
    }

    /** An independent digest in the same state. */
    public RunningDigest copy() {
        return new RunningDigest(cloneDigest());
    }

    /** Digest length in bytes (20 for SHA-1, 32 for the others). */
    public int length() {
        return digest.getDigestLength();
    }

    public String algorithm() {
        return digest.getAlgorithm();
    }

    private MessageDigest cloneDigest() {
        try {
            return (MessageDigest) digest.clone();
        } catch (CloneNotSupportedException e) {
            // The JDK's SHA-1/SHA-2/SHA-3 implementations are all cloneable.
            throw new IllegalStateException(digest.getAlgorithm() + " digest cannot be cloned", e);
        }
    }

    @Override
    public String toString() {
        return "RunningDigest[" + digest.getAlgorithm() + "]";
    }
}
