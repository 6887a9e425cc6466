package org.veilswarm.crypto;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Objects;

/** A self-signed certificate with its private key; {@link #toString()} never shows the key. */
public final class SelfSignedCertificate {
    private final X509Certificate certificate;
    private final PrivateKey privateKey;

    SelfSignedCertificate(X509Certificate certificate, PrivateKey privateKey) {
        this.certificate = Objects.requireNonNull(certificate, "certificate");
        this.privateKey = Objects.requireNonNull(privateKey, "privateKey");
    }

    public X509Certificate certificate() {
        return certificate;
    }

    public PrivateKey privateKey() {
        return privateKey;
    }

    @Override
    public String toString() {
        return "SelfSignedCertificate[subject=" + certificate.getSubjectX500Principal().getName()
                + ", key=" + privateKey.getAlgorithm() + ", notAfter=" + certificate.getNotAfter().toInstant() + "]";
    }
}
