package org.veilswarm.transport.onion.hs;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * Where the HSDir ring gets its shared random value (rend-spec-v3 §2.2.3, §2.3). Tor's authorities vote
 * one per day (proposal 250); our directory schemes do not run that protocol yet, so a directory that can
 * supply an SRV implements this interface, and {@link #forPeriod} falls back to the deterministic
 * "disaster" value of §2.3.1 when it cannot:
 * <pre>SRV = SHA3-256("shared-random-disaster" | INT_8(period_length) | INT_8(period_num))</pre>
 * Without real SRVs an adversary can compute the ring positions of any service for all future periods,
 * which is what the SRV exists to prevent (docs/protocols/onion-services.md, "Deviations").
 */
@FunctionalInterface
public interface SharedRandomSource {
    int LENGTH = 32;

    /** The SRV agreed for {@code period}, if the directory has one. */
    Optional<byte[]> sharedRandomValue(TimePeriod period);

    /** The directory's SRV for the period, or the §2.3.1 disaster value. */
    default byte[] forPeriod(TimePeriod period) {
        return sharedRandomValue(period).filter(v -> v.length == LENGTH).orElseGet(() -> disasterValue(period));
    }

    /** A source that never has an SRV: every ring uses the §2.3.1 disaster value. */
    static SharedRandomSource none() {
        return period -> Optional.empty();
    }

    /** §2.3.1's fallback value. */
    static byte[] disasterValue(TimePeriod period) {
        MessageDigest sha3 = HsKeys.sha3();
        sha3.update("shared-random-disaster".getBytes(StandardCharsets.US_ASCII));
        sha3.update(HsKeys.int8(period.lengthMinutes()));
        sha3.update(HsKeys.int8(period.number()));
        return sha3.digest();
    }
}
