package org.veilswarm.console.impl;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.veilswarm.console.impl.auth.Authenticator;
import org.veilswarm.console.impl.auth.CsrfPolicy;
import org.veilswarm.console.impl.auth.Principal;
import org.veilswarm.console.impl.http.ConsolePaths;
import org.veilswarm.console.impl.http.RequestOrigin;

/**
 * The one gate every console request passes: authentication (session cookie or Bearer token), then the CSRF
 * rules for cookie-authenticated state changes. Used by the whiteboard preprocessor (all paths), again by the
 * API servlet (so the API stays closed even on a whiteboard without preprocessor support) and by the Felix
 * Web Console's security provider.
 */
public final class RequestGuard {

    /** Request attribute holding the {@link Principal} of an admitted request. */
    public static final String PRINCIPAL_ATTRIBUTE = RequestGuard.class.getName() + ".principal";

    private static final String UNAUTHENTICATED_PAGE = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Veilswarm console: not signed in</title></head>
            <body><h1>Not signed in</h1>
            <p>%s</p>
            <p>Open the node's management link: it is in the file <code>console.url</code> in the node's data
            directory (by default <code>~/.veilswarm/console.url</code>).</p>
            </body></html>
            """;

    private final Authenticator authenticator;

    RequestGuard(Authenticator authenticator) {
        this.authenticator = authenticator;
    }

    /**
     * Admits the request or answers it: returns the principal, or {@code null} after having sent 401 (not
     * authenticated) or 403 (CSRF check failed).
     */
    public Principal admit(HttpServletRequest request, HttpServletResponse response, ConsolePaths.Area area)
            throws IOException {
        String authorization = request.getHeader("Authorization");
        Optional<Principal> principal = authenticator.authenticate(authorization, sessionCookies(request));
        if (principal.isEmpty()) {
            unauthorized(response, area, reason(authorization, request));
            return null;
        }
        CsrfPolicy.Requirement requirement = area == ConsolePaths.Area.API
                ? CsrfPolicy.Requirement.TOKEN : CsrfPolicy.Requirement.ORIGIN;
        String ownOrigin = RequestOrigin.of(request.getScheme(), request.getHeader("Host"),
                request.getServerName(), request.getServerPort());
        Optional<String> rejection = CsrfPolicy.rejection(request.getMethod(), principal.get(), requirement,
                request.getHeader(CsrfPolicy.TOKEN_HEADER), request.getHeader("Origin"), ownOrigin);
        if (rejection.isPresent()) {
            if (area == ConsolePaths.Area.API) {
                HttpResponses.error(response, 403, rejection.get());
            } else {
                HttpResponses.text(response, 403, "text/plain", "Forbidden: " + rejection.get() + "\n");
            }
            return null;
        }
        request.setAttribute(PRINCIPAL_ATTRIBUTE, principal.get());
        return principal.get();
    }

    /** The values of every session cookie on the request (there may be several with different paths). */
    static List<String> sessionCookies(HttpServletRequest request) {
        List<String> values = new ArrayList<>();
        Cookie[] cookies = request.getCookies();
        if (cookies != null) {
            for (Cookie cookie : cookies) {
                if (Authenticator.sessionCookieName(request.getLocalPort()).equals(cookie.getName())) {
                    values.add(cookie.getValue());
                }
            }
        }
        return values;
    }

    private static String reason(String authorization, HttpServletRequest request) {
        if (Authenticator.isBearer(authorization)) {
            return "invalid bearer token";
        }
        if (!sessionCookies(request).isEmpty()) {
            return "session expired or unknown: open the management link again";
        }
        return "authentication required: open the management link (<data>/console.url) or send"
                + " Authorization: Bearer <management token>";
    }

    private static void unauthorized(HttpServletResponse response, ConsolePaths.Area area, String reason)
            throws IOException {
        // RFC 9110 §11.6.1: a 401 names the scheme. Bearer (RFC 6750 §3) never makes a browser prompt.
        response.setHeader("WWW-Authenticate", "Bearer realm=\"veilswarm\"");
        if (area == ConsolePaths.Area.API) {
            HttpResponses.error(response, 401, reason);
        } else {
            HttpResponses.text(response, 401, "text/html", UNAUTHENTICATED_PAGE.formatted(
                    reason.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")));
        }
    }
}
