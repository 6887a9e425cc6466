package org.veilswarm.console.impl.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

class AuthenticatorTest {

    private final SecureRandom random = new SecureRandom();
    private final ManagementToken token = ManagementToken.generate(random);
    private final SessionStore sessions = new SessionStore(new MutableClock(), Duration.ofMinutes(5), 8, random);
    private final Authenticator authenticator = new Authenticator(token, sessions);

    @Test
    void bearerTokenAuthenticates() {
        Principal p = authenticator.authenticate("Bearer " + token.value(), List.of()).orElseThrow();
        assertEquals(Principal.Via.BEARER, p.via());
        assertEquals(null, p.session());
        assertTrue(authenticator.authenticate("bearer " + token.value(), List.of()).isPresent(),
                "the scheme is case-insensitive (RFC 9110 §11.1)");
    }

    @Test
    void aWrongBearerTokenFailsEvenWithAValidCookie() {
        Session session = sessions.create();
        assertTrue(authenticator.authenticate("Bearer wrong", List.of(session.id())).isEmpty());
    }

    @Test
    void sessionCookieAuthenticates() {
        Session session = sessions.create();
        Principal p = authenticator.authenticate(null, List.of("stale", session.id())).orElseThrow();
        assertEquals(Principal.Via.SESSION, p.via());
        assertSame(session, p.session());
    }

    @Test
    void otherAuthorizationSchemesAreIgnoredInFavourOfTheCookie() {
        Session session = sessions.create();
        assertTrue(authenticator.authenticate("Basic YWRtaW46YWRtaW4=", List.of(session.id())).isPresent());
        assertTrue(authenticator.authenticate("Basic YWRtaW46YWRtaW4=", List.of()).isEmpty(),
                "admin/admin is not a credential here");
    }

    @Test
    void nothingPresentedIsNotAuthenticated() {
        assertTrue(authenticator.authenticate(null, List.of()).isEmpty());
        assertTrue(authenticator.authenticate("Bearer", List.of()).isEmpty());
        assertTrue(authenticator.authenticate("Bearer ", List.of()).isEmpty());
    }

    @Test
    void theTokenItselfIsNotASessionId() {
        assertTrue(authenticator.authenticate(null, List.of(token.value())).isEmpty());
    }
}
