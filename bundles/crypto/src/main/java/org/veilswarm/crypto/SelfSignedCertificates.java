package org.veilswarm.crypto;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Objects;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Self-signed X.509 certificates for TLS link certificates (tor-spec §4.2: the link certificate is
 * any certificate whose SHA-256 digest the relay's Ed25519 signing key certifies in a CERTS cell,
 * so it carries no meaning of its own). Bouncy Castle builds the certificate; signing uses the JDK's
 * providers, so no provider is registered globally.
 */
public final class SelfSignedCertificates {
    /** Back-dating of notBefore so peers with slightly slow clocks accept a fresh certificate. */
    static final Duration CLOCK_SKEW_ALLOWANCE = Duration.ofHours(1);

    private SelfSignedCertificates() {
    }

    /** A certificate for a fresh P-256 key (fast handshakes, small certificates). */
    public static SelfSignedCertificate createEc(String commonName, Duration validity) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), Randoms.secureRandom());
            return create(generator.generateKeyPair(), commonName, validity);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot generate P-256 keys", e);
        }
    }

    /** A certificate for a fresh RSA key of {@code bits} bits (at least 2048). */
    public static SelfSignedCertificate createRsa(String commonName, Duration validity, int bits) {
        if (bits < 2048) {
            throw new IllegalArgumentException("RSA keys below 2048 bits are refused, got " + bits);
        }
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(bits, Randoms.secureRandom());
            return create(generator.generateKeyPair(), commonName, validity);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot generate RSA keys", e);
        }
    }

    /**
     * A certificate for an existing key pair: subject = issuer = CN={@code commonName}, a random
     * 128-bit serial, valid from an hour ago for {@code validity}. Signed with SHA256withRSA,
     * SHA256withECDSA or Ed25519 according to the key.
     */
    public static SelfSignedCertificate create(KeyPair keyPair, String commonName, Duration validity) {
        Objects.requireNonNull(keyPair, "keyPair");
        Objects.requireNonNull(commonName, "commonName");
        Objects.requireNonNull(validity, "validity");
        if (commonName.isBlank()) {
            throw new IllegalArgumentException("common name must not be blank");
        }
        if (validity.isNegative() || validity.isZero()) {
            throw new IllegalArgumentException("validity must be positive, got " + validity);
        }
        X500Name name = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
        Instant now = Instant.now();
        Date notBefore = Date.from(now.minus(CLOCK_SKEW_ALLOWANCE));
        Date notAfter = Date.from(now.plus(validity));
        // Positive (signum 1) and non-zero: RFC 5280 §4.1.2.2.
        BigInteger serial = new BigInteger(1, Randoms.bytes(16)).setBit(0);
        try {
            ContentSigner signer = new JcaContentSignerBuilder(signatureAlgorithm(keyPair))
                    .setSecureRandom(Randoms.secureRandom())
                    .build(keyPair.getPrivate());
            X509CertificateHolder holder = new JcaX509v3CertificateBuilder(
                    name, serial, notBefore, notAfter, name, keyPair.getPublic()).build(signer);
            X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(holder);
            return new SelfSignedCertificate(certificate, keyPair.getPrivate());
        } catch (OperatorCreationException | CertificateException e) {
            throw new IllegalStateException("could not create a self-signed certificate for " + commonName, e);
        }
    }

    private static String signatureAlgorithm(KeyPair keyPair) {
        String algorithm = keyPair.getPublic().getAlgorithm();
        switch (algorithm) {
            case "RSA":
                return "SHA256withRSA";
            case "EC":
                return "SHA256withECDSA";
            case "Ed25519":
            case "EdDSA":
                return "Ed25519";
            default:
                throw new IllegalArgumentException("unsupported key algorithm for a certificate: " + algorithm);
        }
    }
}
