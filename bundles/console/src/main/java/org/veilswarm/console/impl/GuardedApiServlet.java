package org.veilswarm.console.impl;

import java.io.IOException;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.veilswarm.console.impl.auth.Principal;
import org.veilswarm.console.impl.http.ApiException;
import org.veilswarm.console.impl.http.ConsolePaths;

/**
 * What every {@code /api} servlet does before and after its own work: admit the request through the
 * {@link RequestGuard} (sign-in and CSRF; checked here too, not only in the preprocessor, so the API stays closed on
 * any whiteboard), mark the answer {@code Cache-Control: no-store}, and turn an {@link ApiException} into its JSON
 * error ({@code {"error":"...","status":N}} with the exception's headers).
 */
abstract class GuardedApiServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    private final transient ConsoleAccess access;

    GuardedApiServlet(ConsoleAccess access) {
        this.access = access;
    }

    @Override
    protected final void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Principal principal = access.guard().admit(request, response, ConsolePaths.Area.API);
        if (principal == null) {
            return; // the guard has answered (401 or 403)
        }
        response.setHeader("Cache-Control", "no-store");
        try {
            answer(principal, request, response);
        } catch (ApiException e) {
            HttpResponses.error(response, e);
        }
    }

    /** Answers an admitted request; an {@link ApiException} it throws becomes the JSON error response. */
    abstract void answer(Principal principal, HttpServletRequest request, HttpServletResponse response)
            throws IOException, ApiException;

    final ConsoleAccess access() {
        return access;
    }
}
