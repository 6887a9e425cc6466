package org.veilswarm.transport.onion.hs;

import java.util.Arrays;
import org.veilswarm.crypto.AesCtr;
import org.veilswarm.crypto.AllZeroSharedSecretException;
import org.veilswarm.crypto.Shake256;
import org.veilswarm.crypto.X25519;

/**
 * The descriptor-cookie encryption of client authorization (rend-spec-v3 §2.5.1.2):
 * <pre>
 * SECRET_SEED = x25519(KS_hs_desc_ephem, KP_hsc_desc_enc)     (the client computes the same with its secret key)
 * KEYS = SHAKE-256(N_hs_subcred | SECRET_SEED)[:40];  CLIENT-ID = KEYS[:8];  COOKIE-KEY = KEYS[8:40]
 * encrypted-cookie = AES-256-CTR(iv, COOKIE-KEY) XOR N_hs_desc_enc
 * </pre>
 */
final class ClientAuth {
    private static final int KEYS_LENGTH = AuthClient.CLIENT_ID_LENGTH + 32;

    private ClientAuth() {
    }

    /** CLIENT-ID (8 bytes) followed by COOKIE-KEY (32 bytes) for a shared X25519 secret. */
    static byte[] keys(byte[] subcredential, byte[] privateKey, byte[] publicKey) throws AllZeroSharedSecretException {
        byte[] seed = X25519.agree(privateKey, publicKey);
        try {
            return Shake256.hash(KEYS_LENGTH, subcredential, seed);
        } finally {
            Arrays.fill(seed, (byte) 0);
        }
    }

    static byte[] clientId(byte[] keys) {
        return Arrays.copyOf(keys, AuthClient.CLIENT_ID_LENGTH);
    }

    /** Encrypts or decrypts a 16-byte cookie (CTR is its own inverse). */
    static byte[] crypt(byte[] keys, byte[] iv, byte[] cookie) {
        byte[] out = cookie.clone();
        byte[] key = Arrays.copyOfRange(keys, AuthClient.CLIENT_ID_LENGTH, KEYS_LENGTH);
        AesCtr.create(key, iv).process(out, 0, out.length);
        Arrays.fill(key, (byte) 0);
        return out;
    }
}
