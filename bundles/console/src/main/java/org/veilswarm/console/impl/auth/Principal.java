package org.veilswarm.console.impl.auth;

import java.util.Objects;

/**
 * Who a request was authenticated as, and how.
 *
 * @param via how the request proved it holds the management token
 * @param session the browser session, or {@code null} for {@link Via#BEARER}
 */
public record Principal(Via via, Session session) {

    /** How a request authenticated. */
    public enum Via {
        /** {@code Authorization: Bearer <token>}: scripts and tools. Browsers never attach it on their own. */
        BEARER,
        /** The {@code VEILSWARM_SESSION} cookie: browsers, which attach it on their own, hence CSRF checks. */
        SESSION
    }

    public Principal {
        Objects.requireNonNull(via, "via");
        if ((via == Via.SESSION) != (session != null)) {
            throw new IllegalArgumentException("a session principal needs a session, a bearer one has none");
        }
    }

    static Principal bearer() {
        return new Principal(Via.BEARER, null);
    }

    static Principal session(Session session) {
        return new Principal(Via.SESSION, session);
    }
}
