package org.veilswarm.console.impl.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class SessionStoreTest {

    private static final Duration IDLE = Duration.ofMinutes(30);

    private final MutableClock clock = new MutableClock();
    private final SessionStore store = new SessionStore(clock, IDLE, 3, new SecureRandom());

    @Test
    void findsACreatedSessionByItsId() {
        Session session = store.create();
        assertSame(session, store.find(session.id()).orElseThrow());
        assertTrue(store.find("no-such-session").isEmpty());
        assertTrue(store.find(null).isEmpty());
        assertTrue(store.find("").isEmpty());
    }

    @Test
    void idsAndCsrfTokensAreRandom32ByteValues() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            Session s = store.create();
            assertTrue(s.id().matches("[A-Za-z0-9_-]{43}"), s.id());
            assertTrue(s.csrfToken().matches("[A-Za-z0-9_-]{43}"), s.csrfToken());
            assertNotEquals(s.id(), s.csrfToken());
            assertTrue(seen.add(s.id()));
            assertTrue(seen.add(s.csrfToken()));
        }
    }

    @Test
    void expiresAfterTheIdleTimeout() {
        Session session = store.create();
        clock.advance(IDLE.minusSeconds(1));
        assertTrue(store.find(session.id()).isPresent());
        clock.advance(IDLE);
        assertTrue(store.find(session.id()).isEmpty());
        // Gone for good, not just hidden: time going back (a clock step) does not revive it.
        assertTrue(store.find(session.id()).isEmpty());
    }

    @Test
    void useExtendsTheSession() {
        Session session = store.create();
        for (int i = 0; i < 5; i++) {
            clock.advance(IDLE.minusMinutes(1));
            assertTrue(store.find(session.id()).isPresent(), "round " + i);
        }
        assertEquals(clock.instant(), session.lastSeen());
    }

    @Test
    void evictsTheLeastRecentlyUsedSessionWhenFull() {
        Session a = store.create();
        Session b = store.create();
        Session c = store.create();
        store.find(a.id());
        Session d = store.create();
        assertEquals(3, store.size());
        assertTrue(store.find(b.id()).isEmpty(), "b was the least recently used");
        assertTrue(store.find(a.id()).isPresent());
        assertTrue(store.find(c.id()).isPresent());
        assertTrue(store.find(d.id()).isPresent());
    }

    @Test
    void dropsExpiredSessionsBeforeEvictingLiveOnes() {
        Session old = store.create();
        clock.advance(IDLE.plusSeconds(1));
        Session a = store.create();
        Session b = store.create();
        Session c = store.create();
        assertEquals(3, store.size());
        assertTrue(store.find(old.id()).isEmpty());
        for (Session s : new Session[] {a, b, c}) {
            assertTrue(store.find(s.id()).isPresent());
        }
    }

    @Test
    void invalidateEndsASession() {
        Session session = store.create();
        assertTrue(store.invalidate(session.id()));
        assertFalse(store.invalidate(session.id()));
        assertTrue(store.find(session.id()).isEmpty());
        assertFalse(store.invalidate(null));
    }

    @Test
    void csrfTokenComparison() {
        Session session = store.create();
        assertTrue(session.csrfTokenMatches(session.csrfToken()));
        assertFalse(session.csrfTokenMatches(session.id()));
        assertFalse(session.csrfTokenMatches(null));
        assertFalse(session.csrfTokenMatches(""));
    }

    @Test
    void refusesNonsenseLimits() {
        SecureRandom random = new SecureRandom();
        assertThrows(IllegalArgumentException.class, () -> new SessionStore(clock, Duration.ZERO, 1, random));
        assertThrows(IllegalArgumentException.class, () -> new SessionStore(clock, IDLE, 0, random));
    }
}
