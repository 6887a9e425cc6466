package org.veilswarm.transport.onion.crypto;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.veilswarm.crypto.Hkdf;
import org.veilswarm.crypto.Hmac;

/**
 * The parts of the ntor handshake (tor-spec §5.1.4) that client and server share: its constants and
 * the derivation of KEY_SEED and AUTH from secret_input.
 *
 * @see <a href="https://spec.torproject.org/tor-spec/create-created-cells.html">tor-spec §5.1.4 The "ntor" handshake</a>
 */
final class Ntor {
    /** ID_LENGTH: the relay's identity digest. */
    static final int ID_LENGTH = 20;
    /** H_LENGTH: HMAC-SHA256 output. */
    static final int H_LENGTH = 32;
    /** G_LENGTH: a curve25519 public key. */
    static final int G_LENGTH = 32;
    /** NODEID [ID_LENGTH] | KEYID [H_LENGTH] | CLIENT_KP [G_LENGTH]. */
    static final int CLIENT_HANDSHAKE_LEN = ID_LENGTH + H_LENGTH + G_LENGTH;
    /** SERVER_KP [G_LENGTH] | AUTH [H_LENGTH]. */
    static final int SERVER_HANDSHAKE_LEN = G_LENGTH + H_LENGTH;

    static final byte[] PROTOID = ascii("ntor-curve25519-sha256-1");
    static final byte[] T_MAC = ascii("ntor-curve25519-sha256-1:mac");
    static final byte[] T_KEY = ascii("ntor-curve25519-sha256-1:key_extract");
    static final byte[] T_VERIFY = ascii("ntor-curve25519-sha256-1:verify");
    static final byte[] M_EXPAND = ascii("ntor-curve25519-sha256-1:key_expand");
    private static final byte[] SERVER = ascii("Server");

    private Ntor() {
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /** KEY_SEED and AUTH, computed the same way by both sides. */
    record Derived(byte[] keySeed, byte[] auth) {
    }

    /**
     * secret_input = EXP1 | EXP2 | ID | B | X | Y | PROTOID; KEY_SEED = H(secret_input, t_key);
     * verify = H(secret_input, t_verify); auth_input = verify | ID | B | Y | X | PROTOID | "Server";
     * AUTH = H(auth_input, t_mac), where H(x, t) is HMAC-SHA256 with message x and key t.
     */
    static Derived derive(byte[] exp1, byte[] exp2, byte[] id, byte[] b, byte[] x, byte[] y) {
        byte[] secretInput = concat(exp1, exp2, id, b, x, y, PROTOID);
        try {
            byte[] keySeed = Hmac.sha256(T_KEY, secretInput);
            byte[] verify = Hmac.sha256(T_VERIFY, secretInput);
            byte[] auth = Hmac.sha256(T_MAC, verify, id, b, y, x, PROTOID, SERVER);
            Arrays.fill(verify, (byte) 0);
            return new Derived(keySeed, auth);
        } finally {
            Arrays.fill(secretInput, (byte) 0);
        }
    }

    /**
     * KDF-RFC5869 (tor-spec §5.2.2): HKDF-SHA256 expansion of KEY_SEED with info m_expand; KEY_SEED is
     * already the output of the extract step (salt t_key), so only HKDF-Expand remains.
     */
    static byte[] expand(byte[] keySeed, int length) {
        return Hkdf.expand(keySeed, M_EXPAND, length);
    }

    static CircuitKeys circuitKeys(byte[] keySeed) {
        byte[] material = expand(keySeed, CircuitKeys.MATERIAL_LEN);
        try {
            return CircuitKeys.fromKeyMaterial(material);
        } finally {
            Arrays.fill(material, (byte) 0);
            Arrays.fill(keySeed, (byte) 0);
        }
    }

    static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] out = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, out, at, part.length);
            at += part.length;
        }
        return out;
    }
}
