package org.veilswarm.console.impl.auth;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Server-side console sessions: random ids, an idle timeout and a bound on their number.
 *
 * <p>When the store is full the least recently used session is dropped: whoever holds the management token
 * can always sign in, and a flood of sign-ins only evicts sessions, it never grows memory. Sessions are
 * looked up by the SHA-256 of their id, so the map's hashing and {@code equals} never touch the secret
 * itself.
 */
public final class SessionStore {

    private final Clock clock;
    private final Duration idleTimeout;
    private final int maxSessions;
    private final SecureRandom random;
    /** Access order: the first entry is the least recently used session. */
    private final LinkedHashMap<String, Session> byIdDigest = new LinkedHashMap<>(16, 0.75f, true);

    public SessionStore(Clock clock, Duration idleTimeout, int maxSessions, SecureRandom random) {
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("session idle timeout must be positive, got " + idleTimeout);
        }
        if (maxSessions < 1) {
            throw new IllegalArgumentException("maxSessions must be at least 1, got " + maxSessions);
        }
        this.clock = clock;
        this.idleTimeout = idleTimeout;
        this.maxSessions = maxSessions;
        this.random = random;
    }

    /** Starts a new session, evicting expired ones and, if still full, the least recently used. */
    public synchronized Session create() {
        Instant now = clock.instant();
        removeExpired(now);
        while (byIdDigest.size() >= maxSessions) {
            Iterator<Map.Entry<String, Session>> eldest = byIdDigest.entrySet().iterator();
            eldest.next();
            eldest.remove();
        }
        Session session = new Session(randomToken(), randomToken(), now);
        byIdDigest.put(key(session.id()), session);
        return session;
    }

    /** The live session with this id, marked as used now; empty for unknown or idle-expired ids. */
    public synchronized Optional<Session> find(String id) {
        if (id == null || id.isEmpty()) {
            return Optional.empty();
        }
        String key = key(id);
        Session session = byIdDigest.get(key);
        if (session == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        if (isExpired(session, now)) {
            byIdDigest.remove(key);
            return Optional.empty();
        }
        session.touch(now);
        return Optional.of(session);
    }

    /** Ends the session with this id; returns whether there was one. */
    public synchronized boolean invalidate(String id) {
        return id != null && byIdDigest.remove(key(id)) != null;
    }

    /** Sessions currently held, expired ones included until the next {@link #create()}. */
    public synchronized int size() {
        return byIdDigest.size();
    }

    private void removeExpired(Instant now) {
        byIdDigest.values().removeIf(s -> isExpired(s, now));
    }

    private boolean isExpired(Session session, Instant now) {
        return !now.isBefore(session.lastSeen().plus(idleTimeout));
    }

    private String randomToken() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String key(String id) {
        return HexFormat.of().formatHex(SecretDigest.sha256(id.getBytes(StandardCharsets.UTF_8)));
    }
}
