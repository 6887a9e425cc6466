package org.veilswarm.transport.onion.link;

import java.security.cert.CertificateEncodingException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.veilswarm.crypto.Digests;
import org.veilswarm.crypto.Ed25519;
import org.veilswarm.crypto.Ed25519KeyPair;
import org.veilswarm.crypto.SelfSignedCertificate;
import org.veilswarm.crypto.SelfSignedCertificates;
import org.veilswarm.transport.onion.cell.Certs;
import org.veilswarm.transport.onion.cert.Ed25519Cert;

/**
 * A relay's link keys (tor-spec §1.1, cert-spec §A.1): the Ed25519 identity (the node key), a
 * medium-term Ed25519 signing key certified by it (IDENTITY_V_SIGNING, type 4), a self-signed TLS
 * certificate whose SHA-256 the signing key certifies (SIGNING_V_TLS_CERT, type 5) and an Ed25519
 * link-authentication key certified by the signing key (SIGNING_V_LINK_AUTH, type 6).
 *
 * <p>No RSA-1024 identity and no RSA→Ed25519 cross-certificate (CERTS types 2 and 7): see
 * {@code docs/protocols/onion-links.md}. Immutable; one instance serves every link of a node.
 */
public final class RelayLinkKeys {
    /** tor rotates the signing key after 30 days by default; the link certificates last two days. */
    public static final Duration DEFAULT_SIGNING_LIFETIME = Duration.ofDays(30);
    public static final Duration DEFAULT_LINK_LIFETIME = Duration.ofDays(2);

    private final Ed25519KeyPair identity;
    private final Ed25519KeyPair signing;
    private final Ed25519Cert signingCert;
    private final SelfSignedCertificate tlsCertificate;
    private final Ed25519Cert tlsCert;
    private final Ed25519KeyPair linkAuth;
    private final Ed25519Cert linkAuthCert;

    RelayLinkKeys(Ed25519KeyPair identity, Ed25519KeyPair signing, Ed25519Cert signingCert,
            SelfSignedCertificate tlsCertificate, Ed25519Cert tlsCert, Ed25519KeyPair linkAuth, Ed25519Cert linkAuthCert) {
        this.identity = Objects.requireNonNull(identity, "identity");
        this.signing = signing;
        this.signingCert = signingCert;
        this.tlsCertificate = tlsCertificate;
        this.tlsCert = tlsCert;
        this.linkAuth = linkAuth;
        this.linkAuthCert = linkAuthCert;
    }

    /** Fresh signing, TLS and link-auth keys for {@code identity}, with the default lifetimes. */
    public static RelayLinkKeys generate(Ed25519KeyPair identity) {
        return generate(identity, Clock.systemUTC(), DEFAULT_SIGNING_LIFETIME, DEFAULT_LINK_LIFETIME);
    }

    /**
     * Fresh keys whose certificates expire {@code signingLifetime} (type 4) and {@code linkLifetime}
     * (types 5 and 6, never after the signing key) after {@code clock}'s now.
     */
    public static RelayLinkKeys generate(Ed25519KeyPair identity, Clock clock, Duration signingLifetime,
            Duration linkLifetime) {
        Instant now = clock.instant();
        Instant signingExpiry = now.plus(signingLifetime);
        Instant linkExpiry = now.plus(linkLifetime).isAfter(signingExpiry) ? signingExpiry : now.plus(linkLifetime);
        Ed25519KeyPair signing = Ed25519.generateKeyPair();
        Ed25519Cert signingCert = Ed25519Cert.sign(Ed25519Cert.IDENTITY_V_SIGNING, Ed25519Cert.KEY_ED25519,
                signing.publicKey(), signingExpiry, identity, true);
        // The X.509 dates carry no meaning in tor (tor-spec §4.2); the type-5 certificate bounds its use.
        SelfSignedCertificate tls = SelfSignedCertificates.createEc("www." + Long.toHexString(now.getEpochSecond())
                + ".net", linkLifetime.plusDays(1));
        Ed25519Cert tlsCert = Ed25519Cert.sign(Ed25519Cert.SIGNING_V_TLS_CERT, Ed25519Cert.KEY_SHA256_OF_X509,
                digest(tls), linkExpiry, signing, false);
        Ed25519KeyPair linkAuth = Ed25519.generateKeyPair();
        Ed25519Cert linkAuthCert = Ed25519Cert.sign(Ed25519Cert.SIGNING_V_LINK_AUTH, Ed25519Cert.KEY_ED25519,
                linkAuth.publicKey(), linkExpiry, signing, false);
        return new RelayLinkKeys(identity, signing, signingCert, tls, tlsCert, linkAuth, linkAuthCert);
    }

    static byte[] digest(SelfSignedCertificate certificate) {
        try {
            return Digests.sha256(certificate.certificate().getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("cannot encode our own TLS certificate", e);
        }
    }

    /** The Ed25519 identity public key: what peers ask for when they connect. */
    public byte[] identityKey() {
        return identity.publicKey();
    }

    public SelfSignedCertificate tlsCertificate() {
        return tlsCertificate;
    }

    public Ed25519Cert signingCert() {
        return signingCert;
    }

    public Ed25519Cert tlsCert() {
        return tlsCert;
    }

    public Ed25519Cert linkAuthCert() {
        return linkAuthCert;
    }

    Ed25519KeyPair linkAuthKey() {
        return linkAuth;
    }

    /** What a responder sends (tor-spec §4.2): signing key and TLS link certificates. */
    Certs responderCerts() {
        return new Certs(List.of(new Certs.Entry(Certs.ED25519_SIGNING, signingCert.encoded()),
                new Certs.Entry(Certs.ED25519_TLS_LINK, tlsCert.encoded())));
    }

    /** What an authenticating initiator sends (tor-spec §4.2): signing key and AUTHENTICATE key certificates. */
    Certs initiatorCerts() {
        return new Certs(List.of(new Certs.Entry(Certs.ED25519_SIGNING, signingCert.encoded()),
                new Certs.Entry(Certs.ED25519_AUTHENTICATE, linkAuthCert.encoded())));
    }

    /** These keys with a type-5 certificate, properly signed, for another TLS certificate digest: for tests. */
    RelayLinkKeys withCertifiedTlsDigest(byte[] tlsDigest) {
        Ed25519Cert forged = Ed25519Cert.sign(Ed25519Cert.SIGNING_V_TLS_CERT, Ed25519Cert.KEY_SHA256_OF_X509, tlsDigest,
                tlsCert.expiration(), signing, false);
        return new RelayLinkKeys(identity, signing, signingCert, tlsCertificate, forged, linkAuth, linkAuthCert);
    }

    @Override
    public String toString() {
        return "RelayLinkKeys[identity=" + java.util.HexFormat.of().formatHex(identity.publicKey()) + "]";
    }
}
