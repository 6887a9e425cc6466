package org.veilswarm.transport.onion.hs;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import org.veilswarm.crypto.AesCtr;

/**
 * Revision counters by "encrypted time in period" (rend-spec-v3 Appendix F.2), as C tor computes them:
 * {@code K = SHA3-256("rev-counter-generation" | S)}; the counter for {@code T >= 1} seconds is {@code T} plus
 * the sum of the first {@code T} little-endian 16-bit words of AES-256-CTR(K, IV 0). It grows with time, so a
 * service that restarts (or a second instance with the same key) gets a higher counter than its last upload
 * without storing anything — the HSDir keeps only higher revisions — and, unlike the raw time, it does not
 * reveal the service's clock (F.X).
 */
public final class RevisionCounter {
    private static final byte[] PREFIX = "rev-counter-generation".getBytes(StandardCharsets.US_ASCII);
    /** Keystream words summed per AES call. */
    private static final int CHUNK_WORDS = 8 * 1024;
    /** Offsets beyond ~10 days would not fit the periods tor allows and would cost megabytes of keystream. */
    private static final long MAX_OFFSET_SECONDS = 14_400L * 60 + 2 * 86_400;

    private final byte[] key;

    private RevisionCounter(byte[] key) {
        this.key = key;
    }

    /** The counter generator for secret {@code S} (C tor uses the blinded expanded secret key). */
    public static RevisionCounter fromSecret(byte[] secret) {
        MessageDigest sha3 = HsKeys.sha3();
        sha3.update(PREFIX);
        sha3.update(secret);
        return new RevisionCounter(sha3.digest());
    }

    /**
     * The counter a service uses at {@code now} for a descriptor of {@code period}: T counts seconds since the
     * start of the shared-random run that precedes the period (the period start minus the rotation offset,
     * §2.2.4), plus 1.
     */
    public static long forDescriptor(BlindedKeyPair blinded, TimePeriod period, Instant now) {
        Instant runStart = period.start().minus(Duration.ofMinutes(period.rotationOffsetMinutes()));
        long seconds = Math.max(0, Duration.between(runStart, now).getSeconds());
        byte[] secret = blinded.expandedSecretKey();
        try {
            return fromSecret(secret).encrypt(seconds + 1);
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    /** The counter for {@code t >= 1}; strictly increasing in {@code t}. */
    public long encrypt(long t) {
        if (t < 1 || t > MAX_OFFSET_SECONDS) {
            throw new IllegalArgumentException("T must be 1.." + MAX_OFFSET_SECONDS + ", got " + t);
        }
        AesCtr keystream = AesCtr.aes256(key);
        byte[] words = new byte[CHUNK_WORDS * 2];
        long sum = t; // C tor adds T so that every second counts even if a word is 0
        long remaining = t;
        while (remaining > 0) {
            int n = (int) Math.min(CHUNK_WORDS, remaining);
            Arrays.fill(words, 0, n * 2, (byte) 0);
            keystream.process(words, 0, n * 2);
            for (int i = 0; i < n; i++) {
                sum += (words[2 * i] & 0xff) | (words[2 * i + 1] & 0xff) << 8;
            }
            remaining -= n;
        }
        return sum;
    }
}
