package org.veilswarm.transport.onion.cert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.veilswarm.crypto.Ed25519;
import org.veilswarm.crypto.Ed25519KeyPair;
import org.veilswarm.transport.onion.cert.CertException.Problem;
import org.veilswarm.transport.onion.testing.Vectors;
import org.veilswarm.transport.onion.testing.Vectors.Vector;

class Ed25519CertTest {
    /** When Arti's chutney certificates were valid (testvec_certs.rs "notional_time"). */
    private static final Instant NOTIONAL_TIME = Instant.ofEpochSecond(1_601_000_000L);
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    static Stream<Vector> good() {
        return Vectors.load("ed25519-certs.txt").stream();
    }

    static Stream<Vector> bad() {
        return Vectors.load("ed25519-certs-bad.txt").stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("good")
    void torCertificatesParseVerifyAndReEncode(Vector vector) throws CertException {
        byte[] bytes = vector.hex("cert");
        Ed25519Cert cert = Ed25519Cert.parse(bytes);

        assertEquals(vector.integer("type"), cert.certType());
        assertEquals(vector.integer("key_type"), cert.keyType());
        assertArrayEquals(vector.hex("key"), cert.certifiedKey());
        assertEquals(Instant.ofEpochSecond(Long.parseLong(vector.get("expiry_hours"), 16) * 3600), cert.expiration());
        assertArrayEquals(vector.hex("named_signer"), cert.signedWithKey().orElse(new byte[0]));
        assertArrayEquals(bytes, cert.encoded());

        byte[] signer = vector.get("signer").isEmpty() ? null : vector.hex("signer");
        cert.verify(signer, NOTIONAL_TIME);
        CertException expired = assertThrows(CertException.class, () -> cert.verify(signer, NOW));
        assertEquals(Problem.EXPIRED, expired.problem());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bad")
    void malformedCertificatesAreRefused(Vector vector) {
        CertException e = assertThrows(CertException.class, () -> Ed25519Cert.parse(vector.hex("cert")));
        assertEquals(Problem.valueOf(vector.get("problem")), e.problem(), e.getMessage());
    }

    @Test
    void torCertificateWithAnotherExpectedSignerIsRefused() throws CertException {
        Vector identityVSigning = good().filter(v -> v.name().equals("identity-v-signing")).findFirst().orElseThrow();
        Ed25519Cert cert = Ed25519Cert.parse(identityVSigning.hex("cert"));
        byte[] notThatKey = identityVSigning.hex("named_signer");
        notThatKey[31] ^= 0x25;
        assertEquals(Problem.WRONG_SIGNER,
                assertThrows(CertException.class, () -> cert.verify(notThatKey, NOTIONAL_TIME)).problem());

        Vector tls = good().filter(v -> v.name().equals("signing-v-tls-cert")).findFirst().orElseThrow();
        Ed25519Cert noNamedSigner = Ed25519Cert.parse(tls.hex("cert"));
        assertEquals(Problem.WRONG_SIGNER,
                assertThrows(CertException.class, () -> noNamedSigner.verify(null, NOTIONAL_TIME)).problem());
    }

    @Test
    void flippedSignatureBitFailsVerification() throws CertException {
        Vector vector = good().findFirst().orElseThrow();
        byte[] bytes = vector.hex("cert");
        bytes[bytes.length - 1] ^= 1;
        Ed25519Cert cert = Ed25519Cert.parse(bytes);
        assertEquals(Problem.BAD_SIGNATURE,
                assertThrows(CertException.class, () -> cert.verify(null, NOTIONAL_TIME)).problem());
    }

    @Test
    void signedCertificateRoundTripsAndVerifies() throws CertException {
        Ed25519KeyPair identity = Ed25519.generateKeyPair();
        Ed25519KeyPair signing = Ed25519.generateKeyPair();
        Instant expiry = NOW.plus(Duration.ofDays(30));
        Ed25519Cert cert = Ed25519Cert.sign(Ed25519Cert.IDENTITY_V_SIGNING, Ed25519Cert.KEY_ED25519,
                signing.publicKey(), expiry, identity, true);

        Ed25519Cert parsed = Ed25519Cert.parse(cert.encoded());
        assertEquals(cert, parsed);
        assertEquals(expiry, parsed.expiration(), "a whole hour stays as it is");
        assertArrayEquals(identity.publicKey(), parsed.signedWithKey().orElseThrow());
        assertArrayEquals(signing.publicKey(), parsed.certifiedKey());
        assertDoesNotThrow(() -> parsed.verify(identity.publicKey(), NOW));
        assertDoesNotThrow(() -> parsed.verify(null, NOW));
        assertEquals(Problem.WRONG_SIGNER,
                assertThrows(CertException.class, () -> parsed.verify(signing.publicKey(), NOW)).problem());
        assertDoesNotThrow(() -> parsed.requireTypes(Ed25519Cert.IDENTITY_V_SIGNING, Ed25519Cert.KEY_ED25519));
        assertEquals(Problem.WRONG_TYPE, assertThrows(CertException.class,
                () -> parsed.requireTypes(Ed25519Cert.SIGNING_V_TLS_CERT, Ed25519Cert.KEY_SHA256_OF_X509)).problem());
    }

    @Test
    void expirationRoundsUpToTheHourAndIsCheckedAgainstTheGivenClock() throws CertException {
        Ed25519KeyPair signer = Ed25519.generateKeyPair();
        Instant expiry = Instant.parse("2026-01-01T10:20:00Z");
        Ed25519Cert cert = Ed25519Cert.sign(Ed25519Cert.SIGNING_V_LINK_AUTH, Ed25519Cert.KEY_ED25519,
                Ed25519.generateKeyPair().publicKey(), expiry, signer, false);
        assertEquals(Instant.parse("2026-01-01T11:00:00Z"), cert.expiration());
        cert.verify(signer.publicKey(), Instant.parse("2026-01-01T11:00:00Z"));
        CertException e = assertThrows(CertException.class,
                () -> cert.verify(signer.publicKey(), Instant.parse("2026-01-01T11:00:01Z")));
        assertEquals(Problem.EXPIRED, e.problem());
    }

    @Test
    void unknownExtensionsWithoutTheFlagAreKeptAndSigned() throws CertException {
        Ed25519KeyPair signer = Ed25519.generateKeyPair();
        byte[] body = handBuilt(List.of(new CertExtension(0x42, 0, new byte[] {1, 2, 3})));
        byte[] bytes = withSignature(body, signer);
        Ed25519Cert cert = Ed25519Cert.parse(bytes);
        assertEquals(List.of(new CertExtension(0x42, 0, new byte[] {1, 2, 3})), cert.extensions());
        cert.verify(signer.publicKey(), NOW);
        assertArrayEquals(bytes, cert.encoded());
    }

    @Test
    void unknownExtensionWithTheFlagIsRefusedEvenIfWellSigned() {
        Ed25519KeyPair signer = Ed25519.generateKeyPair();
        byte[] bytes = withSignature(handBuilt(List.of(new CertExtension(0x42, CertExtension.AFFECTS_VALIDATION,
                new byte[0]))), signer);
        assertEquals(Problem.UNKNOWN_CRITICAL_EXTENSION,
                assertThrows(CertException.class, () -> Ed25519Cert.parse(bytes)).problem());
    }

    @Test
    void twoSignerExtensionsAreRefused() {
        Ed25519KeyPair signer = Ed25519.generateKeyPair();
        CertExtension named = CertExtension.signedWith(signer.publicKey());
        byte[] bytes = withSignature(handBuilt(List.of(named, named)), signer);
        assertEquals(Problem.MALFORMED, assertThrows(CertException.class, () -> Ed25519Cert.parse(bytes)).problem());
    }

    @Test
    void signingRefusesBadInput() {
        Ed25519KeyPair signer = Ed25519.generateKeyPair();
        assertThrows(IllegalArgumentException.class, () -> Ed25519Cert.sign(4, 1, new byte[31], NOW, signer, true));
        assertThrows(IllegalArgumentException.class, () -> Ed25519Cert.sign(256, 1, new byte[32], NOW, signer, true));
        assertThrows(IllegalArgumentException.class,
                () -> Ed25519Cert.sign(4, 1, new byte[32], Instant.ofEpochSecond(-7200), signer, true));
    }

    /** A type-6 certificate body, built by hand from cert-spec §2.1, expiring a day after NOW. */
    private static byte[] handBuilt(List<CertExtension> extensions) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(1);
        out.write(Ed25519Cert.SIGNING_V_LINK_AUTH);
        int hours = (int) (NOW.plus(Duration.ofDays(1)).getEpochSecond() / 3600);
        out.writeBytes(new byte[] {(byte) (hours >>> 24), (byte) (hours >>> 16), (byte) (hours >>> 8), (byte) hours});
        out.write(Ed25519Cert.KEY_ED25519);
        out.writeBytes(Ed25519.generateKeyPair().publicKey());
        out.write(extensions.size());
        for (CertExtension extension : extensions) {
            byte[] data = extension.data();
            out.write(data.length >>> 8);
            out.write(data.length);
            out.write(extension.type());
            out.write(extension.flags());
            out.writeBytes(data);
        }
        return out.toByteArray();
    }

    private static byte[] withSignature(byte[] body, Ed25519KeyPair signer) {
        byte[] signature = signer.sign(body);
        byte[] all = Arrays.copyOf(body, body.length + signature.length);
        System.arraycopy(signature, 0, all, body.length, signature.length);
        assertTrue(all.length > 104);
        return all;
    }
}
