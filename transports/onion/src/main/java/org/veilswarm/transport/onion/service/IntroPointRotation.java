package org.veilswarm.transport.onion.service;

import java.time.Duration;
import java.util.Objects;
import java.util.Random;

/**
 * When a service replaces an introduction point that still works (rend-spec-v3 §3.2.2: the INTRODUCE2 replay cache
 * of an intro point must never forget, so it fills; C tor's INTRO_POINT_LIFETIME_INTRODUCTIONS and
 * INTRO_POINT_LIFETIME_MIN/MAX_SECONDS): after a number of introductions drawn from
 * [{@code minIntroductions}, {@code maxIntroductions}] or a lifetime drawn from [{@code minLifetime},
 * {@code maxLifetime}], whichever comes first, and at once when its replay cache is full. Drawn per intro point,
 * so the points of one service do not all rotate together, and an observer cannot tell the service by the count.
 */
public record IntroPointRotation(int minIntroductions, int maxIntroductions, Duration minLifetime,
        Duration maxLifetime) {
    /** C tor's: 16384 to 32768 introductions, 18 to 24 hours. */
    public static final IntroPointRotation DEFAULT = new IntroPointRotation(16_384, 32_768, Duration.ofHours(18),
            Duration.ofHours(24));

    public IntroPointRotation {
        Objects.requireNonNull(minLifetime, "minLifetime");
        Objects.requireNonNull(maxLifetime, "maxLifetime");
        if (minIntroductions < 1 || maxIntroductions < minIntroductions) {
            throw new IllegalArgumentException("introductions need 1 <= min <= max, got " + minIntroductions + ", "
                    + maxIntroductions);
        }
        if (minLifetime.isNegative() || minLifetime.isZero() || maxLifetime.compareTo(minLifetime) < 0) {
            throw new IllegalArgumentException("lifetimes need 0 < min <= max, got " + minLifetime + ", "
                    + maxLifetime);
        }
    }

    int drawIntroductions(Random random) {
        return minIntroductions + random.nextInt(maxIntroductions - minIntroductions + 1);
    }

    Duration drawLifetime(Random random) {
        long spread = maxLifetime.toMillis() - minLifetime.toMillis();
        return minLifetime.plusMillis(spread == 0 ? 0 : (long) (random.nextDouble() * spread));
    }
}
