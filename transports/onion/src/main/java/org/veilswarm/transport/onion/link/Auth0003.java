package org.veilswarm.transport.onion.link;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.veilswarm.crypto.ConstantTime;
import org.veilswarm.crypto.Digests;
import org.veilswarm.crypto.Ed25519;
import org.veilswarm.crypto.Ed25519KeyPair;
import org.veilswarm.crypto.Randoms;

/**
 * The Authentication field of an Ed25519-SHA256-RFC5705 AUTHENTICATE cell (tor-spec §4.4.2):
 * {@code TYPE "AUTH0003" [8] | CID [32] | SID [32] | CID_ED [32] | SID_ED [32] | SLOG [32] | CLOG [32] |
 * SCERT [32] | TLSSECRETS [32] | RAND [24] | SIG [64]}, SIG being Ed25519 by the link-auth key over
 * everything before it.
 *
 * <p>Deviations (docs/protocols/onion-links.md): CID and SID, SHA-256 of RSA identity keys, are 32 zero
 * bytes because our relays have no RSA identity; TLSSECRETS is {@link #tlsBinding}, not an RFC 5705
 * exporter, which Java 17's JSSE does not offer.
 */
final class Auth0003 {
    static final int AUTH_TYPE = 3;
    static final int LENGTH = 8 + 8 * 32 + 24 + Ed25519.SIGNATURE_LENGTH;
    private static final byte[] TYPE = "AUTH0003".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NO_RSA_IDENTITY = new byte[32];
    private static final byte[] BINDING_LABEL =
            "Veilswarm AUTH0003 TLS binding v1, not an RFC 5705 exporter".getBytes(StandardCharsets.US_ASCII);

    private Auth0003() {
    }

    /**
     * Substitute for TLSSECRETS: SHA-256(label | CID | SCERT | SLOG | CLOG). It binds the signature to
     * the responder's TLS certificate (whose private key only the responder holds, and which the
     * initiator has checked against the type-5 certificate) and to both transcripts, but to no secret of
     * this TLS session, so it is weaker than tor's exporter and not tor-compatible.
     */
    static byte[] tlsBinding(byte[] scert, byte[] slog, byte[] clog) {
        return Digests.sha256(concat(BINDING_LABEL, NO_RSA_IDENTITY, scert, slog, clog));
    }

    /** The fields TYPE through TLSSECRETS, which the responder can recompute on its own. */
    static byte[] expectedPrefix(byte[] initiatorIdentity, byte[] responderIdentity, byte[] slog, byte[] clog,
            byte[] scert) {
        return concat(TYPE, NO_RSA_IDENTITY, NO_RSA_IDENTITY, initiatorIdentity, responderIdentity, slog, clog, scert,
                tlsBinding(scert, slog, clog));
    }

    static byte[] sign(byte[] expectedPrefix, Ed25519KeyPair linkAuthKey) {
        byte[] random = new byte[24];
        Randoms.secureRandom().nextBytes(random);
        byte[] signed = concat(expectedPrefix, random);
        return concat(signed, linkAuthKey.sign(signed));
    }

    /**
     * Checks an Authentication field: the fields through TLSSECRETS must equal {@code expectedPrefix}
     * and the last 64 bytes must be the link-auth key's signature over everything before them ("The
     * responder MUST ignore any extra bytes in the signed data after the RAND field").
     *
     * @return null if valid, else what is wrong
     */
    static String check(byte[] authentication, byte[] expectedPrefix, byte[] linkAuthKey) {
        if (authentication.length < LENGTH) {
            return "Authentication of " + authentication.length + " bytes, need at least " + LENGTH;
        }
        String[] names = {"TYPE", "CID", "SID", "CID_ED", "SID_ED", "SLOG", "CLOG", "SCERT", "TLSSECRETS"};
        for (int i = 0, offset = 0; i < names.length; i++) {
            int length = i == 0 ? 8 : 32;
            if (!ConstantTime.equals(authentication, offset, expectedPrefix, offset, length)) {
                return names[i] + " does not match";
            }
            offset += length;
        }
        int signedLength = authentication.length - Ed25519.SIGNATURE_LENGTH;
        byte[] signature = Arrays.copyOfRange(authentication, signedLength, authentication.length);
        if (!Ed25519.verify(linkAuthKey, authentication, 0, signedLength, signature)) {
            return "SIG does not verify with the certified link-authentication key";
        }
        return null;
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        ByteBuffer out = ByteBuffer.allocate(length);
        for (byte[] part : parts) {
            out.put(part);
        }
        return out.array();
    }
}
