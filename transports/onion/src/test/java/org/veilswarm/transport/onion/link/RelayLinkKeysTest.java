package org.veilswarm.transport.onion.link;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.veilswarm.crypto.Digests;
import org.veilswarm.crypto.Ed25519;
import org.veilswarm.crypto.Ed25519KeyPair;
import org.veilswarm.transport.onion.cell.Certs;
import org.veilswarm.transport.onion.cert.Ed25519Cert;

class RelayLinkKeysTest {
    private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    private final Ed25519KeyPair identity = Ed25519.generateKeyPair();
    private final RelayLinkKeys keys = RelayLinkKeys.generate(identity, Clock.fixed(NOW, ZoneOffset.UTC),
            Duration.ofDays(30), Duration.ofDays(2));

    @Test
    void responderCertsFormTheChainAnInitiatorChecks() throws Exception {
        Certs certs = keys.responderCerts();
        assertEquals(List.of(Certs.ED25519_SIGNING, Certs.ED25519_TLS_LINK),
                certs.entries().stream().map(Certs.Entry::type).toList(), "no RSA types (2, 7): deferred");
        PeerCerts verified = PeerCerts.verify(certs, Certs.ED25519_TLS_LINK, Ed25519Cert.KEY_SHA256_OF_X509, NOW);
        assertArrayEquals(identity.publicKey(), verified.identity());
        assertArrayEquals(Digests.sha256(keys.tlsCertificate().certificate().getEncoded()),
                verified.leaf().certifiedKey(), "type 5 certifies the SHA-256 of the DER TLS certificate");
    }

    @Test
    void initiatorCertsCertifyTheLinkAuthenticationKey() throws Exception {
        PeerCerts verified = PeerCerts.verify(keys.initiatorCerts(), Certs.ED25519_AUTHENTICATE,
                Ed25519Cert.KEY_ED25519, NOW);
        assertArrayEquals(identity.publicKey(), verified.identity());
        assertArrayEquals(keys.linkAuthKey().publicKey(), verified.leaf().certifiedKey());
    }

    @Test
    void lifetimesFollowTheClockAndLinkCertificatesNeverOutliveTheSigningKey() {
        assertEquals(NOW.plus(Duration.ofDays(30)), keys.signingCert().expiration());
        assertEquals(NOW.plus(Duration.ofDays(2)), keys.tlsCert().expiration());
        assertEquals(NOW.plus(Duration.ofDays(2)), keys.linkAuthCert().expiration());

        RelayLinkKeys shortSigning = RelayLinkKeys.generate(identity, Clock.fixed(NOW, ZoneOffset.UTC),
                Duration.ofDays(1), Duration.ofDays(2));
        assertFalse(shortSigning.tlsCert().expiration().isAfter(shortSigning.signingCert().expiration()));
    }

    @Test
    void certsWithoutTheSigningCertificateAreRefused() {
        Certs onlyTls = new Certs(List.of(new Certs.Entry(Certs.ED25519_TLS_LINK, keys.tlsCert().encoded())));
        LinkHandshakeException e = assertThrows(LinkHandshakeException.class,
                () -> PeerCerts.verify(onlyTls, Certs.ED25519_TLS_LINK, Ed25519Cert.KEY_SHA256_OF_X509, NOW));
        assertEquals(LinkHandshakeException.Reason.BAD_CERTIFICATES, e.reason());
        assertTrue(e.getMessage().contains("type-4"), e.getMessage());
    }

    @Test
    void leafSignedByAnotherSigningKeyIsRefused() {
        RelayLinkKeys other = RelayLinkKeys.generate(identity);
        Certs mixed = new Certs(List.of(new Certs.Entry(Certs.ED25519_SIGNING, keys.signingCert().encoded()),
                new Certs.Entry(Certs.ED25519_TLS_LINK, other.tlsCert().encoded())));
        LinkHandshakeException e = assertThrows(LinkHandshakeException.class,
                () -> PeerCerts.verify(mixed, Certs.ED25519_TLS_LINK, Ed25519Cert.KEY_SHA256_OF_X509, NOW));
        assertEquals(LinkHandshakeException.Reason.BAD_CERTIFICATES, e.reason(), e.getMessage());
    }

    @Test
    void leafOfTheWrongTypeIsRefused() {
        Certs swapped = new Certs(List.of(new Certs.Entry(Certs.ED25519_SIGNING, keys.signingCert().encoded()),
                new Certs.Entry(Certs.ED25519_TLS_LINK, keys.linkAuthCert().encoded())));
        LinkHandshakeException e = assertThrows(LinkHandshakeException.class,
                () -> PeerCerts.verify(swapped, Certs.ED25519_TLS_LINK, Ed25519Cert.KEY_SHA256_OF_X509, NOW));
        assertEquals(LinkHandshakeException.Reason.BAD_CERTIFICATES, e.reason(), e.getMessage());
    }

    @Test
    void settingsRefuseWhatTheCodecCannotSpeak() {
        LinkSettings defaults = LinkSettings.defaults();
        assertThrows(IllegalArgumentException.class, () -> defaults.withVersions(List.of(3, 4)));
        assertThrows(IllegalArgumentException.class, () -> defaults.withVersions(List.of()));
        assertThrows(IllegalArgumentException.class, () -> defaults.withStepTimeout(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> defaults.withMaxVariableCellLength(100));
        assertEquals(List.of(4), defaults.withVersions(List.of(4)).versions());
    }
}
