package org.veilswarm.console.impl.auth;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.veilswarm.console.impl.auth.CsrfPolicy.Requirement.ORIGIN;
import static org.veilswarm.console.impl.auth.CsrfPolicy.Requirement.TOKEN;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class CsrfPolicyTest {

    private static final String OWN = "http://127.0.0.1:8427";

    private final Session session = new SessionStore(new MutableClock(), Duration.ofMinutes(5), 4,
            new SecureRandom()).create();
    private final Principal browser = Principal.session(session);
    private final Principal script = Principal.bearer();

    @Test
    void safeMethodsNeedNothing() {
        for (String method : new String[] {"GET", "HEAD", "OPTIONS", "get"}) {
            assertTrue(CsrfPolicy.rejection(method, browser, TOKEN, null, "http://evil.example", OWN).isEmpty(),
                    method);
        }
    }

    @Test
    void everyOtherMethodChangesState() {
        for (String method : new String[] {"POST", "PUT", "PATCH", "DELETE", "PROPFIND"}) {
            assertTrue(CsrfPolicy.changesState(method), method);
        }
        assertFalse(CsrfPolicy.changesState("GET"));
    }

    @Test
    void bearerRequestsAreExempt() {
        assertTrue(CsrfPolicy.rejection("POST", script, TOKEN, null, null, OWN).isEmpty());
        assertTrue(CsrfPolicy.rejection("DELETE", script, TOKEN, null, "http://evil.example", OWN).isEmpty());
    }

    @Test
    void cookieRequestsNeedTheSessionsToken() {
        Optional<String> missing = CsrfPolicy.rejection("POST", browser, TOKEN, null, OWN, OWN);
        assertTrue(missing.orElseThrow().contains("missing X-CSRF-Token"), missing.get());
        Optional<String> wrong = CsrfPolicy.rejection("POST", browser, TOKEN, "guess", OWN, OWN);
        assertTrue(wrong.orElseThrow().contains("does not match"), wrong.get());
        assertTrue(CsrfPolicy.rejection("POST", browser, TOKEN, session.id(), OWN, OWN).isPresent(),
                "the session id is not the CSRF token");
        assertTrue(CsrfPolicy.rejection("DELETE", browser, TOKEN, session.csrfToken(), OWN, OWN).isEmpty());
    }

    @Test
    void aForeignOriginIsRefusedEvenWithTheToken() {
        Optional<String> r = CsrfPolicy.rejection("POST", browser, TOKEN, session.csrfToken(),
                "http://evil.example", OWN);
        assertTrue(r.orElseThrow().contains("cross-origin"), r.get());
        assertTrue(CsrfPolicy.rejection("POST", browser, TOKEN, session.csrfToken(), "null", OWN).isPresent(),
                "the opaque origin of sandboxed frames is foreign too");
        assertTrue(CsrfPolicy.rejection("POST", browser, TOKEN, session.csrfToken(), "http://127.0.0.1:9999",
                OWN).isPresent(), "another port is another origin");
    }

    @Test
    void originIsOptionalForTheApiButCaseInsensitive() {
        assertTrue(CsrfPolicy.rejection("POST", browser, TOKEN, session.csrfToken(), null, OWN).isEmpty());
        assertTrue(CsrfPolicy.rejection("POST", browser, TOKEN, session.csrfToken(), "HTTP://127.0.0.1:8427",
                OWN).isEmpty());
    }

    @Test
    void pagesWithoutTheTokenNeedAMatchingOrigin() {
        Optional<String> none = CsrfPolicy.rejection("POST", browser, ORIGIN, null, null, OWN);
        assertTrue(none.orElseThrow().contains("without an Origin"), none.get());
        assertTrue(CsrfPolicy.rejection("POST", browser, ORIGIN, null, "http://evil.example", OWN).isPresent());
        assertTrue(CsrfPolicy.rejection("POST", browser, ORIGIN, null, OWN, OWN).isEmpty());
    }
}
