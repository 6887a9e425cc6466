package org.veilswarm.crypto;

import java.util.Objects;
import org.bouncycastle.crypto.digests.SHAKEDigest;

/**
 * SHAKE-256, the extendable-output function of FIPS 202 §6.2, on Bouncy Castle (the JDK has no public
 * SHAKE). rend-spec-v3 §0.3 instantiates its KDF with it: onion-service descriptor keys (§2.5.3) and the
 * descriptor-cookie keys of client authorization (§2.5.1.2) are {@code KDF(input, n) = SHAKE-256(input)[:n]}.
 *
 * <p>An instance absorbs with {@link #update} and squeezes once with {@link #finish}; it is not
 * thread-safe. {@link #hash} is the one-shot form.
 */
public final class Shake256 {
    private final SHAKEDigest digest = new SHAKEDigest(256);
    private boolean finished;

    public Shake256 update(byte[] data) {
        Objects.requireNonNull(data, "data");
        return update(data, 0, data.length);
    }

    public Shake256 update(byte[] data, int offset, int length) {
        Objects.requireNonNull(data, "data");
        Objects.checkFromIndexSize(offset, length, data.length);
        requireOpen();
        digest.update(data, offset, length);
        return this;
    }

    /** The first {@code outputLength} bytes of output; the instance cannot be used afterwards. */
    public byte[] finish(int outputLength) {
        if (outputLength < 0) {
            throw new IllegalArgumentException("output length must not be negative, got " + outputLength);
        }
        requireOpen();
        finished = true;
        byte[] out = new byte[outputLength];
        digest.doFinal(out, 0, outputLength);
        return out;
    }

    /** SHAKE-256 of the concatenation of {@code parts}, truncated to {@code outputLength} bytes. */
    public static byte[] hash(int outputLength, byte[]... parts) {
        Shake256 shake = new Shake256();
        for (byte[] part : parts) {
            shake.update(part);
        }
        return shake.finish(outputLength);
    }

    private void requireOpen() {
        if (finished) {
            throw new IllegalStateException("SHAKE-256 output already squeezed");
        }
    }
}
