package org.veilswarm.console.impl.auth;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Decides who a request is from its {@code Authorization} header and its session cookies.
 *
 * <p>A {@code Bearer} credential, when present, decides alone: a wrong token fails even if a valid cookie is
 * also sent, so a script never silently runs as a browser session. Other schemes (a {@code Basic} header a
 * browser still remembers for this origin, for instance) are ignored and the cookie decides.
 */
public final class Authenticator {

    /**
     * The session cookie's name before the port suffix. Cookies are scoped by host, not by port (RFC 6265 §8.5),
     * so two nodes on 127.0.0.1 would overwrite one another's cookie and log each other out in one browser:
     * each node names its cookie {@code VEILSWARM_SESSION_<HTTP port>}.
     */
    public static final String SESSION_COOKIE = "VEILSWARM_SESSION";

    /** The session cookie's name for the console listening on {@code port}. */
    public static String sessionCookieName(int port) {
        return SESSION_COOKIE + "_" + port;
    }

    private static final String BEARER_PREFIX = "bearer ";

    private final ManagementToken token;
    private final SessionStore sessions;

    public Authenticator(ManagementToken token, SessionStore sessions) {
        this.token = token;
        this.sessions = sessions;
    }

    /**
     * @param authorization the {@code Authorization} header, or {@code null}
     * @param sessionCookies the values of every session cookie ({@link #sessionCookieName(int)}) the request carries
     * @return the principal, or empty if the request is not authenticated
     */
    public Optional<Principal> authenticate(String authorization, List<String> sessionCookies) {
        if (authorization != null && authorization.regionMatches(true, 0, BEARER_PREFIX, 0, BEARER_PREFIX.length())) {
            String presented = authorization.substring(BEARER_PREFIX.length()).strip();
            return token.matches(presented) ? Optional.of(Principal.bearer()) : Optional.empty();
        }
        for (String id : sessionCookies) {
            Optional<Session> session = sessions.find(id);
            if (session.isPresent()) {
                return Optional.of(Principal.session(session.get()));
            }
        }
        return Optional.empty();
    }

    /** Whether {@code authorization} is a Bearer credential (right or wrong). */
    public static boolean isBearer(String authorization) {
        return authorization != null
                && authorization.toLowerCase(Locale.ROOT).startsWith(BEARER_PREFIX);
    }

    /** Whether {@code candidate} is the management token (constant time). */
    public boolean isManagementToken(String candidate) {
        return token.matches(candidate);
    }

    public SessionStore sessions() {
        return sessions;
    }
}
