package org.veilswarm.console.impl.webconsole;

import java.io.IOException;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.apache.felix.webconsole.spi.SecurityProvider;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.veilswarm.console.impl.ConsoleAccess;
import org.veilswarm.console.impl.RequestGuard;
import org.veilswarm.console.impl.auth.Authenticator;
import org.veilswarm.console.impl.auth.Principal;
import org.veilswarm.console.impl.http.ConsolePaths;

/**
 * Puts the Felix Web Console ({@code /system/console}) behind the console's own authentication: the same
 * session cookie or Bearer token as the REST API, never the web console's built-in {@code admin/admin}.
 *
 * <p>The web console asks the highest-ranked {@link SecurityProvider}; its built-in basic-auth provider is
 * registered with the lowest ranking, so this one wins while it is registered. The preprocessor already
 * guards {@code /system/console}; this provider keeps it guarded on a whiteboard that ignores preprocessors.
 * The SPI package is imported optionally: this component is delayed (only instantiated when the web console
 * asks for it), so without the web console the class is never loaded.
 */
@Component(service = SecurityProvider.class, property = {
    SecurityProvider.PROPERTY_ID + "=" + WebConsoleSecurityProvider.ID,
    Constants.SERVICE_RANKING + ":Integer=1000"
})
public final class WebConsoleSecurityProvider implements SecurityProvider {

    /** Our provider id; require it with the framework property {@code felix.webconsole.security.providers}. */
    public static final String ID = "veilswarm";

    private final ConsoleAccess access;

    @Activate
    public WebConsoleSecurityProvider(@Reference ConsoleAccess access) {
        this.access = access;
    }

    @Override
    public Object authenticate(HttpServletRequest request, HttpServletResponse response) {
        Object already = request.getAttribute(RequestGuard.PRINCIPAL_ATTRIBUTE);
        if (already instanceof Principal principal) {
            return principal;
        }
        try {
            return access.guard().admit(request, response, ConsolePaths.Area.WEB_CONSOLE);
        } catch (IOException e) {
            return null;
        }
    }

    /** One operator with full rights: whoever holds the management token. */
    @Override
    public boolean authorize(Object user, String role) {
        return user instanceof Principal;
    }

    /** The web console's logout button ends our session too. */
    @Override
    public void logout(HttpServletRequest request, HttpServletResponse response) {
        jakarta.servlet.http.Cookie[] cookies = request.getCookies();
        if (cookies != null) {
            for (jakarta.servlet.http.Cookie cookie : cookies) {
                if (Authenticator.sessionCookieName(request.getLocalPort()).equals(cookie.getName())) {
                    access.authenticator().sessions().invalidate(cookie.getValue());
                }
            }
        }
        response.addHeader("Set-Cookie", Authenticator.sessionCookieName(request.getLocalPort())
                + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
    }
}
