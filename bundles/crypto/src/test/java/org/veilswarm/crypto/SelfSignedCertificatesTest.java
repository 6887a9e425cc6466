package org.veilswarm.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class SelfSignedCertificatesTest {

    @Test
    void ecCertificateIsSelfSignedCurrentlyValidAndMatchesItsKey() throws Exception {
        SelfSignedCertificate issued = SelfSignedCertificates.createEc("www.example-relay.net", Duration.ofDays(2));
        X509Certificate certificate = issued.certificate();

        certificate.verify(certificate.getPublicKey());
        certificate.checkValidity();
        assertEquals("CN=www.example-relay.net", certificate.getSubjectX500Principal().getName());
        assertEquals(certificate.getSubjectX500Principal(), certificate.getIssuerX500Principal());
        assertEquals("SHA256withECDSA", certificate.getSigAlgName());
        assertTrue(certificate.getSerialNumber().signum() > 0);
        Instant notAfter = certificate.getNotAfter().toInstant();
        assertTrue(notAfter.isAfter(Instant.now().plus(Duration.ofDays(1))));
        assertTrue(notAfter.isBefore(Instant.now().plus(Duration.ofDays(3))));
        assertKeyMatchesCertificate(issued, "SHA256withECDSA");
    }

    @Test
    void rsaAndEd25519KeysWork() throws Exception {
        SelfSignedCertificate rsa = SelfSignedCertificates.createRsa("relay", Duration.ofHours(1), 2048);
        rsa.certificate().verify(rsa.certificate().getPublicKey());
        assertKeyMatchesCertificate(rsa, "SHA256withRSA");

        SelfSignedCertificate ed25519 = SelfSignedCertificates.create(
                KeyPairGenerator.getInstance("Ed25519").generateKeyPair(), "relay", Duration.ofHours(1));
        ed25519.certificate().verify(ed25519.certificate().getPublicKey());
        assertKeyMatchesCertificate(ed25519, "Ed25519");
    }

    @Test
    void badArgumentsAreRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> SelfSignedCertificates.createRsa("relay", Duration.ofDays(1), 1024));
        assertThrows(IllegalArgumentException.class, () -> SelfSignedCertificates.createEc(" ", Duration.ofDays(1)));
        assertThrows(IllegalArgumentException.class, () -> SelfSignedCertificates.createEc("relay", Duration.ZERO));
    }

    @Test
    void toStringShowsNoKeyMaterial() {
        SelfSignedCertificate issued = SelfSignedCertificates.createEc("relay", Duration.ofDays(1));
        String text = issued.toString();
        assertTrue(text.contains("CN=relay"), text);
        assertFalse(text.contains(Base64.getEncoder().encodeToString(issued.privateKey().getEncoded())));
    }

    private static void assertKeyMatchesCertificate(SelfSignedCertificate issued, String algorithm) throws Exception {
        byte[] data = "link".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        Signature signer = Signature.getInstance(algorithm);
        signer.initSign(issued.privateKey());
        signer.update(data);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance(algorithm);
        verifier.initVerify(issued.certificate().getPublicKey());
        verifier.update(data);
        assertTrue(verifier.verify(signature));
    }
}
