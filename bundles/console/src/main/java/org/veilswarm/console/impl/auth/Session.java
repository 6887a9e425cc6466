package org.veilswarm.console.impl.auth;

import java.time.Instant;

/**
 * A browser's console session, created when it presented the management token at
 * {@code /management/<token>}. The id travels only in the {@code VEILSWARM_SESSION} cookie; the CSRF token is
 * handed to the page's script by {@code GET /api/session} and must come back in {@code X-CSRF-Token}.
 */
public final class Session {

    private final String id;
    private final String csrfToken;
    private final SecretDigest csrfDigest;
    private final Instant created;
    private volatile Instant lastSeen;

    Session(String id, String csrfToken, Instant created) {
        this.id = id;
        this.csrfToken = csrfToken;
        this.csrfDigest = new SecretDigest(csrfToken);
        this.created = created;
        this.lastSeen = created;
    }

    /** The cookie value. */
    public String id() {
        return id;
    }

    /** The value the page must send back in {@code X-CSRF-Token} with every state-changing request. */
    public String csrfToken() {
        return csrfToken;
    }

    /** Whether {@code presented} is this session's CSRF token (constant time; {@code null} never matches). */
    public boolean csrfTokenMatches(String presented) {
        return csrfDigest.matches(presented);
    }

    public Instant created() {
        return created;
    }

    public Instant lastSeen() {
        return lastSeen;
    }

    void touch(Instant now) {
        lastSeen = now;
    }

    @Override
    public String toString() {
        return "Session[created=" + created + ", lastSeen=" + lastSeen + "]";
    }
}
