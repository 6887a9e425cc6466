package org.veilswarm.console.impl;

import java.io.IOException;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletName;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;
import org.veilswarm.console.impl.auth.Authenticator;
import org.veilswarm.console.impl.auth.Session;
import org.veilswarm.console.impl.probe.PortProbe;

/**
 * {@code GET /management/<token>}: exchanges the management token for a browser session and sends the
 * browser on to {@code /console/} (303, RFC 9110 §15.4.4), so the token leaves the address bar and history
 * at once.
 *
 * <p>A wrong token gets the container's plain 404, like any unknown path: the answer confirms nothing. The
 * comparison runs in constant time on every request. A port probe of this console ({@code ping-<nonce>}) gets
 * the same 404 plus the nonce echoed in {@value PortProbe#HEADER}.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern("/management/*")
@HttpWhiteboardServletName("veilswarm-console-management")
public final class ManagementServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    private final transient ConsoleAccess access;

    @Activate
    public ManagementServlet(@Reference ConsoleAccess access) {
        this.access = access;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String presented = segment(request.getPathInfo());
        Authenticator authenticator = access.authenticator();
        if (authenticator.isManagementToken(presented)) {
            // A fresh session id on every sign-in (no session fixation); the old one, if any, ends.
            for (String old : RequestGuard.sessionCookies(request)) {
                authenticator.sessions().invalidate(old);
            }
            Session session = authenticator.sessions().create();
            HttpResponses.setSessionCookie(request, response, session.id());
            response.setStatus(HttpServletResponse.SC_SEE_OTHER);
            response.setHeader("Location", "/console/");
            return;
        }
        if (presented != null && presented.startsWith(PortProbe.PATH_PREFIX)) {
            String nonce = presented.substring(PortProbe.PATH_PREFIX.length());
            if (access.isProbe(nonce)) {
                response.setHeader(PortProbe.HEADER, nonce);
            }
        }
        response.sendError(HttpServletResponse.SC_NOT_FOUND);
    }

    /** The single path segment after {@code /management/}, or {@code null} if there is none or more. */
    private static String segment(String pathInfo) {
        if (pathInfo == null || pathInfo.length() < 2 || pathInfo.indexOf('/', 1) >= 0) {
            return null;
        }
        return pathInfo.substring(1);
    }
}
