package org.veilswarm.console.impl;

import java.io.IOException;
import java.util.Map;

import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.servlet.whiteboard.Preprocessor;
import org.osgi.service.servlet.whiteboard.annotations.RequireHttpWhiteboard;
import org.veilswarm.console.impl.http.ConsolePaths;
import org.veilswarm.console.impl.http.SecurityHeaders;

/**
 * Authentication for everything this HTTP server serves, as one whiteboard {@link Preprocessor}.
 *
 * <p>A preprocessor runs before the whiteboard picks a servlet context (Compendium R8.1 §140.5.1), so it
 * covers servlets of every context: our own, and the Felix Web Console's, which registers its own
 * {@code ServletContextHelper} at {@code /system/console} where a filter of ours in the default context
 * would never run. Only {@code GET /management/<token>} passes unauthenticated. Every response also gets
 * the console's security headers here.
 */
@Component(service = Preprocessor.class)
@RequireHttpWhiteboard
public final class AuthPreprocessor implements Preprocessor {

    private final ConsoleAccess access;

    @Activate
    public AuthPreprocessor(@Reference ConsoleAccess access) {
        this.access = access;
    }

    @Override
    public void init(FilterConfig filterConfig) {
        // Nothing to set up: all state lives in ConsoleAccess.
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        if (!(req instanceof HttpServletRequest request) || !(res instanceof HttpServletResponse response)) {
            chain.doFilter(req, res);
            return;
        }
        ConsolePaths.Area area = ConsolePaths.classify(request.getRequestURI());
        for (Map.Entry<String, String> header : SecurityHeaders.forArea(area).entrySet()) {
            response.setHeader(header.getKey(), header.getValue());
        }
        if (area == ConsolePaths.Area.LOGIN || access.guard().admit(request, response, area) != null) {
            chain.doFilter(request, response);
        }
    }

    @Override
    public void destroy() {
        // Nothing to release.
    }
}
