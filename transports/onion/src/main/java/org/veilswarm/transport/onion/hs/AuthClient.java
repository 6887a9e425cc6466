package org.veilswarm.transport.onion.hs;

import java.util.Arrays;

/**
 * One {@code auth-client} line of the first descriptor layer (rend-spec-v3 §2.5.1.2): the descriptor
 * cookie encrypted to one authorized client, or random bytes of the same shape for a fake client.
 *
 * @param clientId 8 bytes, the first 8 of {@code SHAKE-256(N_hs_subcred | x25519(...))[:40]}
 * @param iv 16 random bytes for AES-256-CTR
 * @param encryptedCookie the 16-byte descriptor cookie XOR the key stream
 */
public record AuthClient(byte[] clientId, byte[] iv, byte[] encryptedCookie) {
    public static final int CLIENT_ID_LENGTH = 8;
    public static final int IV_LENGTH = 16;
    public static final int COOKIE_LENGTH = 16;

    public AuthClient {
        clientId = requireLength(clientId, CLIENT_ID_LENGTH, "client-id");
        iv = requireLength(iv, IV_LENGTH, "iv");
        encryptedCookie = requireLength(encryptedCookie, COOKIE_LENGTH, "encrypted-cookie");
    }

    private static byte[] requireLength(byte[] value, int length, String what) {
        if (value == null || value.length != length) {
            throw new IllegalArgumentException(what + " must be " + length + " bytes");
        }
        return value.clone();
    }

    @Override
    public byte[] clientId() {
        return clientId.clone();
    }

    @Override
    public byte[] iv() {
        return iv.clone();
    }

    @Override
    public byte[] encryptedCookie() {
        return encryptedCookie.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AuthClient other && Arrays.equals(clientId, other.clientId) && Arrays.equals(iv, other.iv)
                && Arrays.equals(encryptedCookie, other.encryptedCookie);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(clientId) * 31 + Arrays.hashCode(iv);
    }
}
