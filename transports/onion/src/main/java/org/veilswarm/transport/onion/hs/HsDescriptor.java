package org.veilswarm.transport.onion.hs;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.veilswarm.crypto.Ed25519;
import org.veilswarm.transport.onion.cert.CertException;
import org.veilswarm.transport.onion.cert.Ed25519Cert;
import org.veilswarm.transport.onion.hs.DescriptorException.Reason;

/**
 * The outer document of an onion-service descriptor (rend-spec-v3 §2.4), which HSDirs store and serve:
 * <pre>
 * hs-descriptor 3
 * descriptor-lifetime &lt;minutes, 30..720&gt;
 * descriptor-signing-key-cert + ED25519 CERT (type 08, signed by the blinded key, naming it)
 * revision-counter &lt;unsigned 64-bit&gt;
 * superencrypted + MESSAGE (the first encryption layer, §2.5.1)
 * signature &lt;unpadded base64 Ed25519 signature&gt;
 * </pre>
 * The signature covers "Tor onion service descriptor sig v3" followed by every byte before the
 * {@code signature} line. {@link #parse} checks syntax only; {@link #verify} checks the certificate and
 * the signature, which an HSDir can do without knowing the onion address (the certificate names the
 * blinded key).
 */
public final class HsDescriptor {
    /** §2.4: "HSDirs accept hidden service descriptors of up to 50k bytes". */
    public static final int MAX_SIZE = 50_000;
    public static final int VERSION = 3;
    public static final int MIN_LIFETIME_MINUTES = 30;
    public static final int MAX_LIFETIME_MINUTES = 720;
    public static final int DEFAULT_LIFETIME_MINUTES = 180;
    static final byte[] SIGNATURE_PREFIX = "Tor onion service descriptor sig v3".getBytes(StandardCharsets.US_ASCII);
    private static final String CERT = "ED25519 CERT";
    private static final String MESSAGE = "MESSAGE";

    private final int lifetimeMinutes;
    private final Ed25519Cert signingKeyCert;
    private final long revisionCounter;
    private final byte[] superencrypted;
    private final byte[] signature;
    private final byte[] encoded;
    private final int signedLength;

    private HsDescriptor(int lifetimeMinutes, Ed25519Cert signingKeyCert, long revisionCounter,
            byte[] superencrypted, byte[] signature, byte[] encoded, int signedLength) {
        this.lifetimeMinutes = lifetimeMinutes;
        this.signingKeyCert = signingKeyCert;
        this.revisionCounter = revisionCounter;
        this.superencrypted = superencrypted;
        this.signature = signature;
        this.encoded = encoded;
        this.signedLength = signedLength;
    }

    /** Parses the document; nothing is verified yet except the shape of the certificate. */
    public static HsDescriptor parse(byte[] document) throws DescriptorException {
        if (document.length > MAX_SIZE) {
            throw new DescriptorException(Reason.TOO_LARGE, document.length + " bytes, HSDirs accept at most "
                    + MAX_SIZE + " (rend-spec-v3 §2.4)");
        }
        List<NetDoc.Item> items = NetDoc.parse(document, false);
        if (items.size() != 6) {
            throw NetDoc.malformed("outer descriptor has " + items.size() + " items, must have exactly 6 in order: "
                    + "hs-descriptor, descriptor-lifetime, descriptor-signing-key-cert, revision-counter, "
                    + "superencrypted, signature");
        }
        expect(items.get(0), "hs-descriptor", 1, null);
        if (!items.get(0).arg(0).equals(Integer.toString(VERSION))) {
            throw NetDoc.malformed("hs-descriptor version " + items.get(0).arg(0) + ", only 3 is supported");
        }
        expect(items.get(1), "descriptor-lifetime", 1, null);
        int lifetime = parseLifetime(items.get(1).arg(0));
        expect(items.get(2), "descriptor-signing-key-cert", 0, CERT);
        Ed25519Cert cert = parseCert(items.get(2).object(), Ed25519Cert.HS_BLINDED_ID_V_SIGNING, "descriptor-signing-key-cert");
        if (cert.signedWithKey().isEmpty()) {
            throw new DescriptorException(Reason.BAD_CERTIFICATE,
                    "descriptor-signing-key-cert lacks the signed-with-ed25519-key extension (the blinded key, §2.4)");
        }
        expect(items.get(3), "revision-counter", 1, null);
        long revision = parseUnsigned(items.get(3).arg(0), "revision-counter");
        expect(items.get(4), "superencrypted", 0, MESSAGE);
        expect(items.get(5), "signature", 1, null);
        byte[] signature = NetDoc.base64(items.get(5).arg(0), Ed25519.SIGNATURE_LENGTH, false, "signature");
        return new HsDescriptor(lifetime, cert, revision, items.get(4).object(), signature, document.clone(),
                items.get(5).start());
    }

    /** Builds and signs the outer document. */
    static HsDescriptor sign(int lifetimeMinutes, Ed25519Cert signingKeyCert, long revisionCounter,
            byte[] superencrypted, SigningKey signingKey) {
        StringBuilder out = new StringBuilder();
        NetDoc.appendItem(out, "hs-descriptor", Integer.toString(VERSION));
        NetDoc.appendItem(out, "descriptor-lifetime", Integer.toString(lifetimeMinutes));
        NetDoc.appendItem(out, "descriptor-signing-key-cert");
        NetDoc.appendObject(out, CERT, signingKeyCert.encoded());
        NetDoc.appendItem(out, "revision-counter", Long.toUnsignedString(revisionCounter));
        NetDoc.appendItem(out, "superencrypted");
        NetDoc.appendObject(out, MESSAGE, superencrypted);
        byte[] body = out.toString().getBytes(StandardCharsets.US_ASCII);
        byte[] signature = signingKey.sign(signedMessage(body, body.length));
        NetDoc.appendItem(out, "signature", NetDoc.base64(signature, false));
        byte[] encoded = out.toString().getBytes(StandardCharsets.US_ASCII);
        return new HsDescriptor(lifetimeMinutes, signingKeyCert, revisionCounter, superencrypted.clone(), signature,
                encoded, body.length);
    }

    /**
     * Checks the signing-key certificate (type 08, signed by the blinded key it names, unexpired at
     * {@code now}) and the document signature. Returns the blinded key the descriptor is stored under.
     */
    public byte[] verify(Instant now) throws DescriptorException {
        byte[] blindedKey = signingKeyCert.signedWithKey().orElseThrow();
        try {
            signingKeyCert.verify(blindedKey, now);
        } catch (CertException e) {
            throw certProblem("descriptor-signing-key-cert", e);
        }
        if (!Ed25519.verify(signingKeyCert.certifiedKey(), signedMessage(encoded, signedLength), signature)) {
            throw new DescriptorException(Reason.BAD_SIGNATURE,
                    "descriptor signature does not verify under the certified descriptor signing key");
        }
        return blindedKey;
    }

    private static byte[] signedMessage(byte[] document, int length) {
        byte[] message = Arrays.copyOf(SIGNATURE_PREFIX, SIGNATURE_PREFIX.length + length);
        System.arraycopy(document, 0, message, SIGNATURE_PREFIX.length, length);
        return message;
    }

    static Ed25519Cert parseCert(byte[] bytes, int certType, String what) throws DescriptorException {
        try {
            Ed25519Cert cert = Ed25519Cert.parse(bytes);
            cert.requireTypes(certType, Ed25519Cert.KEY_ED25519);
            return cert;
        } catch (CertException e) {
            throw new DescriptorException(Reason.BAD_CERTIFICATE, what + ": " + e.getMessage());
        }
    }

    static DescriptorException certProblem(String what, CertException e) {
        return new DescriptorException(e.problem() == CertException.Problem.EXPIRED ? Reason.EXPIRED_CERTIFICATE
                : Reason.BAD_CERTIFICATE, what + ": " + e.getMessage());
    }

    static void expect(NetDoc.Item item, String keyword, int argCount, String objectType) throws DescriptorException {
        if (!item.keyword().equals(keyword)) {
            throw NetDoc.malformed("expected '" + keyword + "', found '" + item.keyword() + "'");
        }
        if (item.args().size() != argCount) {
            throw NetDoc.malformed("'" + keyword + "' takes " + argCount + " argument(s), got " + item.args().size());
        }
        if (objectType == null ? item.hasObject() : !objectType.equals(item.objectType())) {
            throw NetDoc.malformed("'" + keyword + "' must be followed by " + (objectType == null ? "no object"
                    : "a " + objectType + " object") + (item.hasObject() ? ", found " + item.objectType() : ""));
        }
    }

    private static int parseLifetime(String text) throws DescriptorException {
        long value = parseUnsigned(text, "descriptor-lifetime");
        if (value < MIN_LIFETIME_MINUTES || value > MAX_LIFETIME_MINUTES) {
            throw NetDoc.malformed("descriptor-lifetime " + text + " outside " + MIN_LIFETIME_MINUTES + ".."
                    + MAX_LIFETIME_MINUTES + " minutes");
        }
        return (int) value;
    }

    static long parseUnsigned(String text, String what) throws DescriptorException {
        if (!text.matches("0|[1-9][0-9]{0,19}")) {
            throw NetDoc.malformed(what + " '" + text + "' is not a canonical unsigned integer");
        }
        try {
            return Long.parseUnsignedLong(text);
        } catch (NumberFormatException e) {
            throw NetDoc.malformed(what + " '" + text + "' exceeds 64 bits");
        }
    }

    public int lifetimeMinutes() {
        return lifetimeMinutes;
    }

    public Ed25519Cert signingKeyCert() {
        return signingKeyCert;
    }

    /** The blinded key named by the signing-key certificate (not yet verified unless {@link #verify} ran). */
    public byte[] blindedKey() {
        return signingKeyCert.signedWithKey().orElseThrow();
    }

    /** An unsigned 64-bit counter; compare with {@link Long#compareUnsigned}. */
    public long revisionCounter() {
        return revisionCounter;
    }

    byte[] superencrypted() {
        return superencrypted.clone();
    }

    /** The document's bytes, exactly as parsed or signed. */
    public byte[] encoded() {
        return encoded.clone();
    }

    public int size() {
        return encoded.length;
    }

    /** Something that signs with the descriptor signing key. */
    interface SigningKey {
        byte[] sign(byte[] message);
    }

    @Override
    public String toString() {
        return "HsDescriptor[revision=" + Long.toUnsignedString(revisionCounter) + ", lifetime=" + lifetimeMinutes
                + "min, " + encoded.length + " bytes]";
    }
}
