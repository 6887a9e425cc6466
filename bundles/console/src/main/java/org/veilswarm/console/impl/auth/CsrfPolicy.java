package org.veilswarm.console.impl.auth;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Cross-site request forgery checks for requests that a browser may have sent on its own.
 *
 * <p>Only cookie-authenticated, state-changing requests are checked: a Bearer token is never attached by a
 * browser, and safe methods (RFC 9110 §9.2.1) change nothing. Three layers stand in front of the REST API:
 * the {@code SameSite=Strict} cookie, the {@code Origin} header (which browsers send with every cross-origin
 * and every non-GET request, RFC 6454 §7 and the Fetch standard) and the synchronizer token
 * {@code X-CSRF-Token} that a foreign page cannot read. Pages that cannot send the token (the Felix Web
 * Console's forms) are held to a present and matching {@code Origin} instead.
 */
public final class CsrfPolicy {

    /** The request header carrying the session's CSRF token. */
    public static final String TOKEN_HEADER = "X-CSRF-Token";

    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS", "TRACE");

    private CsrfPolicy() {
    }

    /** What the checked area requires besides a matching Origin. */
    public enum Requirement {
        /** The REST API: {@code X-CSRF-Token} must match; {@code Origin}, when sent, must match. */
        TOKEN,
        /** Pages whose forms cannot carry our header: {@code Origin} must be sent and must match. */
        ORIGIN
    }

    /** Whether {@code method} may change state (anything but GET, HEAD, OPTIONS and TRACE). */
    public static boolean changesState(String method) {
        return !SAFE_METHODS.contains(method.toUpperCase(Locale.ROOT));
    }

    /**
     * Why the request must be refused, or empty if it passes.
     *
     * @param method the HTTP method
     * @param principal who the request authenticated as
     * @param requirement what the area requires
     * @param presentedToken the {@value #TOKEN_HEADER} header, or {@code null}
     * @param origin the {@code Origin} header, or {@code null}
     * @param ownOrigin this console's origin as the browser sees it, e.g. {@code http://127.0.0.1:8427}
     */
    public static Optional<String> rejection(String method, Principal principal, Requirement requirement,
            String presentedToken, String origin, String ownOrigin) {
        if (principal.via() != Principal.Via.SESSION || !changesState(method)) {
            return Optional.empty();
        }
        if (origin != null && !origin.equalsIgnoreCase(ownOrigin)) {
            return Optional.of("cross-origin request refused: Origin " + origin + " is not this console ("
                    + ownOrigin + ")");
        }
        if (requirement == Requirement.ORIGIN) {
            return origin == null
                    ? Optional.of("state-changing request without an Origin header refused;"
                            + " use a current browser, or Authorization: Bearer for scripts")
                    : Optional.empty();
        }
        if (presentedToken == null || presentedToken.isEmpty()) {
            return Optional.of("missing " + TOKEN_HEADER + " header: send the csrfToken from GET /api/session"
                    + " with every POST, PUT, PATCH and DELETE");
        }
        if (!principal.session().csrfTokenMatches(presentedToken)) {
            return Optional.of(TOKEN_HEADER + " does not match this session's token (from GET /api/session)");
        }
        return Optional.empty();
    }
}
