package org.veilswarm.transport.onion.cert;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.veilswarm.crypto.ConstantTime;
import org.veilswarm.crypto.Ed25519;
import org.veilswarm.crypto.Ed25519KeyPair;
import org.veilswarm.transport.onion.cert.CertException.Problem;

/**
 * A Tor Ed25519 certificate (cert-spec §2.1):
 * {@code VERSION [1] = 1 | CERT_TYPE [1] | EXPIRATION_DATE [4] (hours since the epoch) | CERT_KEY_TYPE [1] |
 * CERTIFIED_KEY [32] | N_EXTENSIONS [1] | EXTENSIONS | SIGNATURE [64]}, the signature being Ed25519 over
 * every byte before it.
 *
 * <p>Parsing is strict: another version, a truncated field, bytes after the signature, a malformed or
 * repeated signed-with-ed25519-key extension, or an unknown extension flagged AFFECTS_VALIDATION is
 * refused. Verification ({@link #verify}) is a separate step, because which key must have signed a
 * certificate depends on where it came from, and "parties SHOULD know which key it is supposed to be
 * signed by" (cert-spec §2.1).
 */
public final class Ed25519Cert {
    public static final int VERSION = 1;
    /** CERT_TYPE 4: the Ed25519 identity certifies the medium-term signing key (cert-spec §A.1). */
    public static final int IDENTITY_V_SIGNING = 4;
    /** CERT_TYPE 5: the signing key certifies the SHA-256 of the TLS link certificate. */
    public static final int SIGNING_V_TLS_CERT = 5;
    /** CERT_TYPE 6: the signing key certifies the Ed25519 key that signs AUTHENTICATE cells. */
    public static final int SIGNING_V_LINK_AUTH = 6;
    /** CERT_TYPE 8: an onion service's blinded key certifies its descriptor signing key (rend-spec-v3 §2.4). */
    public static final int HS_BLINDED_ID_V_SIGNING = 8;
    /** CERT_TYPE 9: the descriptor signing key certifies an introduction point auth key (rend-spec-v3 §2.5.2.2). */
    public static final int HS_SIGNING_V_INTRO_AUTH = 9;
    /** CERT_TYPE 0x0B: the descriptor signing key certifies the Ed25519 form of an intro point's ntor enc key. */
    public static final int HS_SIGNING_V_NTOR_ENC = 0x0B;
    /** CERT_KEY_TYPE 1: the certified key is an Ed25519 public key (cert-spec §2.1). */
    public static final int KEY_ED25519 = 1;
    /** CERT_KEY_TYPE 2: SHA-256 of an RSA key. */
    public static final int KEY_SHA256_OF_RSA = 2;
    /** CERT_KEY_TYPE 3: SHA-256 of an X.509 certificate (DER). */
    public static final int KEY_SHA256_OF_X509 = 3;

    private static final int HEADER_LEN = 1 + 1 + 4 + 1 + 32 + 1;
    private static final int KEY_LEN = 32;
    private static final long SECONDS_PER_HOUR = 3600;

    private final int certType;
    private final long expirationHours;
    private final int keyType;
    private final byte[] certifiedKey;
    private final List<CertExtension> extensions;
    private final byte[] encoded;

    private Ed25519Cert(int certType, long expirationHours, int keyType, byte[] certifiedKey,
            List<CertExtension> extensions, byte[] encoded) {
        this.certType = certType;
        this.expirationHours = expirationHours;
        this.keyType = keyType;
        this.certifiedKey = certifiedKey;
        this.extensions = List.copyOf(extensions);
        this.encoded = encoded;
    }

    /**
     * Builds and signs a certificate. The signed-with-ed25519-key extension is added when
     * {@code namesSigner} (tor requires it in IDENTITY_V_SIGNING, where it carries the identity).
     * The expiration is rounded up to the next whole hour.
     */
    public static Ed25519Cert sign(int certType, int keyType, byte[] certifiedKey, Instant expiration,
            Ed25519KeyPair signer, boolean namesSigner) {
        return sign(certType, keyType, certifiedKey, expiration, signer.publicKey(), signer::sign, namesSigner);
    }

    /**
     * Builds a certificate signed by any Ed25519 signer, e.g. an onion service's blinded key, which exists
     * only as an expanded secret key (rend-spec-v3 Appendix A.2). {@code signature} signs the certificate
     * body under {@code signerPublicKey}.
     */
    public static Ed25519Cert sign(int certType, int keyType, byte[] certifiedKey, Instant expiration,
            byte[] signerPublicKey, UnaryOperator<byte[]> signature, boolean namesSigner) {
        requireByte(certType, "CERT_TYPE");
        requireByte(keyType, "CERT_KEY_TYPE");
        if (certifiedKey.length != KEY_LEN) {
            throw new IllegalArgumentException("CERTIFIED_KEY is 32 bytes, got " + certifiedKey.length);
        }
        long seconds = expiration.getEpochSecond();
        long hours = Math.floorDiv(seconds + SECONDS_PER_HOUR - 1, SECONDS_PER_HOUR);
        if (hours < 0 || hours > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("expiration out of the 32-bit hour range: " + expiration);
        }
        List<CertExtension> extensions = namesSigner ? List.of(CertExtension.signedWith(signerPublicKey)) : List.of();
        byte[] body = encodeBody(certType, hours, keyType, certifiedKey, extensions);
        byte[] signed = signature.apply(body);
        if (signed.length != Ed25519.SIGNATURE_LENGTH) {
            throw new IllegalArgumentException("an Ed25519 signature is 64 bytes, got " + signed.length);
        }
        byte[] encoded = Arrays.copyOf(body, body.length + Ed25519.SIGNATURE_LENGTH);
        System.arraycopy(signed, 0, encoded, body.length, signed.length);
        return new Ed25519Cert(certType, hours, keyType, certifiedKey.clone(), extensions, encoded);
    }

    /** Parses a certificate as it appears in a CERTS cell (cert-spec §2.1, §2.2). */
    public static Ed25519Cert parse(byte[] bytes) throws CertException {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        need(in, HEADER_LEN, "header");
        int version = Byte.toUnsignedInt(in.get());
        if (version != VERSION) {
            throw new CertException(Problem.MALFORMED, "certificate version " + version + ", only 1 is defined");
        }
        int certType = Byte.toUnsignedInt(in.get());
        long hours = Integer.toUnsignedLong(in.getInt());
        int keyType = Byte.toUnsignedInt(in.get());
        byte[] key = new byte[KEY_LEN];
        in.get(key);
        int count = Byte.toUnsignedInt(in.get());
        List<CertExtension> extensions = new ArrayList<>(count);
        boolean signerNamed = false;
        for (int i = 0; i < count; i++) {
            need(in, 4, "extension header");
            int length = Short.toUnsignedInt(in.getShort());
            int type = Byte.toUnsignedInt(in.get());
            int flags = Byte.toUnsignedInt(in.get());
            need(in, length, "extension data");
            byte[] data = new byte[length];
            in.get(data);
            if (type == CertExtension.SIGNED_WITH_ED25519_KEY) {
                if (length != KEY_LEN) {
                    throw new CertException(Problem.MALFORMED,
                            "signed-with-ed25519-key extension of " + length + " bytes, must be 32 (cert-spec §2.2.1)");
                }
                if (signerNamed) {
                    throw new CertException(Problem.MALFORMED, "two signed-with-ed25519-key extensions");
                }
                signerNamed = true;
            } else if ((flags & CertExtension.AFFECTS_VALIDATION) != 0) {
                throw new CertException(Problem.UNKNOWN_CRITICAL_EXTENSION,
                        "unknown extension type " + type + " has the AFFECTS_VALIDATION flag (cert-spec §2.2)");
            }
            extensions.add(new CertExtension(type, flags, data));
        }
        need(in, Ed25519.SIGNATURE_LENGTH, "signature");
        in.position(in.position() + Ed25519.SIGNATURE_LENGTH);
        if (in.hasRemaining()) {
            throw new CertException(Problem.MALFORMED, in.remaining() + " bytes after the signature");
        }
        return new Ed25519Cert(certType, hours, keyType, key, extensions, bytes.clone());
    }

    private static void need(ByteBuffer in, int length, String what) throws CertException {
        if (in.remaining() < length) {
            throw new CertException(Problem.MALFORMED, "truncated " + what + ": need " + length + " bytes, "
                    + in.remaining() + " left");
        }
    }

    private static void requireByte(int value, String name) {
        if (value < 0 || value > 0xFF) {
            throw new IllegalArgumentException(name + " is one byte, got " + value);
        }
    }

    private static byte[] encodeBody(int certType, long hours, int keyType, byte[] key, List<CertExtension> extensions) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(HEADER_LEN + 36 * extensions.size());
        out.write(VERSION);
        out.write(certType);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) hours).array());
        out.write(keyType);
        out.writeBytes(key);
        out.write(extensions.size());
        for (CertExtension extension : extensions) {
            out.write(extension.length() >>> 8);
            out.write(extension.length());
            out.write(extension.type());
            out.write(extension.flags());
            out.writeBytes(extension.rawData());
        }
        return out.toByteArray();
    }

    /**
     * Checks the signature and the expiration: the certificate must be signed by
     * {@code expectedSigner} (or, if that is {@code null}, by the key its signed-with-ed25519-key
     * extension names) and must not have expired at {@code now}. If both an expected signer and the
     * extension are present they must agree.
     */
    public void verify(byte[] expectedSigner, Instant now) throws CertException {
        Optional<byte[]> named = signedWithKey();
        byte[] signer;
        if (expectedSigner != null) {
            if (named.isPresent() && !ConstantTime.equals(named.get(), expectedSigner)) {
                throw new CertException(Problem.WRONG_SIGNER, "certificate names signer " + hex(named.get())
                        + ", expected " + hex(expectedSigner));
            }
            signer = expectedSigner;
        } else {
            signer = named.orElseThrow(() -> new CertException(Problem.WRONG_SIGNER,
                    "no signing key expected and none named by a signed-with-ed25519-key extension"));
        }
        int signedLength = encoded.length - Ed25519.SIGNATURE_LENGTH;
        byte[] signature = Arrays.copyOfRange(encoded, signedLength, encoded.length);
        if (signer.length != KEY_LEN || !Ed25519.verify(signer, encoded, 0, signedLength, signature)) {
            throw new CertException(Problem.BAD_SIGNATURE, "type-" + certType + " certificate signature by "
                    + hex(signer) + " does not verify");
        }
        if (now.isAfter(expiration())) {
            throw new CertException(Problem.EXPIRED, "type-" + certType + " certificate expired at " + expiration()
                    + " (now " + now + ")");
        }
    }

    /** Fails with {@link Problem#WRONG_TYPE} unless this certificate has these types. */
    public void requireTypes(int expectedCertType, int expectedKeyType) throws CertException {
        if (certType != expectedCertType || keyType != expectedKeyType) {
            throw new CertException(Problem.WRONG_TYPE, "certificate of type " + certType + " with key type "
                    + keyType + ", expected type " + expectedCertType + " with key type " + expectedKeyType);
        }
    }

    public int certType() {
        return certType;
    }

    /** The instant after which the certificate is invalid. */
    public Instant expiration() {
        return Instant.ofEpochSecond(expirationHours * SECONDS_PER_HOUR);
    }

    public int keyType() {
        return keyType;
    }

    public byte[] certifiedKey() {
        return certifiedKey.clone();
    }

    public List<CertExtension> extensions() {
        return extensions;
    }

    /** The key named by the signed-with-ed25519-key extension, if present. */
    public Optional<byte[]> signedWithKey() {
        return extensions.stream().filter(e -> e.type() == CertExtension.SIGNED_WITH_ED25519_KEY).findFirst()
                .map(CertExtension::data);
    }

    public byte[] signature() {
        return Arrays.copyOfRange(encoded, encoded.length - Ed25519.SIGNATURE_LENGTH, encoded.length);
    }

    /** The certificate's bytes, exactly as parsed or signed. */
    public byte[] encoded() {
        return encoded.clone();
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Ed25519Cert other && Arrays.equals(encoded, other.encoded);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(encoded);
    }

    @Override
    public String toString() {
        return "Ed25519Cert[type=" + certType + ", expires=" + expiration() + ", keyType=" + keyType + ", key="
                + hex(certifiedKey) + ", extensions=" + extensions + "]";
    }
}
