package org.veilswarm.transport.onion.hs.rend;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Bounds of a relay's introduction- and rendezvous-point tables.
 *
 * @param maxIntroCircuits service circuits an introduction point keeps at once (beyond: DESTROY RESOURCELIMIT)
 * @param maxCookies rendezvous cookies waiting for RENDEZVOUS1 at once
 * @param cookieLifetime how long a cookie waits for the service's RENDEZVOUS1 before its circuit is closed
 * @param nanoTime monotonic clock ({@code System::nanoTime} outside tests)
 */
public record RendezvousRelaySettings(int maxIntroCircuits, int maxCookies, Duration cookieLifetime, LongSupplier nanoTime) {
    public RendezvousRelaySettings {
        if (maxIntroCircuits < 1 || maxCookies < 1) {
            throw new IllegalArgumentException("table bounds must be positive");
        }
        if (cookieLifetime.isNegative() || cookieLifetime.isZero()) {
            throw new IllegalArgumentException("cookieLifetime must be positive");
        }
    }

    /** 4096 intro circuits, 16384 cookies for 2 minutes (C tor closes an unjoined rendezvous circuit after its idle timeout). */
    public static RendezvousRelaySettings defaults() {
        return new RendezvousRelaySettings(4096, 16384, Duration.ofMinutes(2), System::nanoTime);
    }

    public RendezvousRelaySettings withCookieLifetime(Duration lifetime) {
        return new RendezvousRelaySettings(maxIntroCircuits, maxCookies, lifetime, nanoTime);
    }

    public RendezvousRelaySettings withMaxCookies(int max) {
        return new RendezvousRelaySettings(maxIntroCircuits, max, cookieLifetime, nanoTime);
    }

    /** With another clock (tests). */
    public RendezvousRelaySettings withNanoTimeForTests(LongSupplier clock) {
        return new RendezvousRelaySettings(maxIntroCircuits, maxCookies, cookieLifetime, clock);
    }

    public RendezvousRelaySettings withMaxIntroCircuits(int max) {
        return new RendezvousRelaySettings(max, maxCookies, cookieLifetime, nanoTime);
    }
}
