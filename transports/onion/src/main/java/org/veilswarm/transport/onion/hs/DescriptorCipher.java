package org.veilswarm.transport.onion.hs;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import org.veilswarm.crypto.AesCtr;
import org.veilswarm.crypto.ConstantTime;
import org.veilswarm.crypto.Randoms;
import org.veilswarm.crypto.Shake256;
import org.veilswarm.transport.onion.hs.DescriptorException.Reason;

/**
 * The encryption both descriptor layers share (rend-spec-v3 §2.5.3):
 * <pre>
 * secret_input = SECRET_DATA | N_hs_subcred | INT_8(revision_counter)
 * keys = SHAKE-256(secret_input | salt | STRING_CONSTANT)[:32 + 16 + 32]  = SECRET_KEY | SECRET_IV | MAC_KEY
 * blob = SALT [16] | AES-256-CTR(SECRET_KEY, SECRET_IV) XOR plaintext | D_MAC [32]
 * D_MAC = SHA3-256(INT_8(32) | MAC_KEY | INT_8(16) | SALT | ENCRYPTED)
 * </pre>
 */
final class DescriptorCipher {
    static final String SUPERENCRYPTED_CONSTANT = "hsdir-superencrypted-data";
    static final String ENCRYPTED_CONSTANT = "hsdir-encrypted-data";
    static final int SALT_LENGTH = 16;
    static final int MAC_LENGTH = 32;
    private static final int KEY_LENGTH = 32;
    private static final int IV_LENGTH = 16;
    private static final int MAC_KEY_LENGTH = 32;

    private DescriptorCipher() {
    }

    /** Encrypts with a fresh salt, "16 bytes from H(random)" (§2.5.3, hashed so raw PRNG output stays private). */
    static byte[] encrypt(byte[] secretData, byte[] subcredential, long revisionCounter, String constant,
            byte[] plaintext) {
        byte[] salt = Arrays.copyOf(HsKeys.sha3().digest(Randoms.bytes(32)), SALT_LENGTH);
        return encrypt(secretData, subcredential, revisionCounter, constant, plaintext, salt);
    }

    static byte[] encrypt(byte[] secretData, byte[] subcredential, long revisionCounter, String constant,
            byte[] plaintext, byte[] salt) {
        byte[] keys = keys(secretData, subcredential, revisionCounter, salt, constant);
        byte[] blob = new byte[SALT_LENGTH + plaintext.length + MAC_LENGTH];
        System.arraycopy(salt, 0, blob, 0, SALT_LENGTH);
        cipher(keys).process(plaintext, 0, plaintext.length, blob, SALT_LENGTH);
        byte[] mac = mac(keys, blob, plaintext.length);
        System.arraycopy(mac, 0, blob, SALT_LENGTH + plaintext.length, MAC_LENGTH);
        Arrays.fill(keys, (byte) 0);
        return blob;
    }

    static byte[] decrypt(byte[] secretData, byte[] subcredential, long revisionCounter, String constant,
            byte[] blob) throws DescriptorException {
        if (blob.length < SALT_LENGTH + MAC_LENGTH) {
            throw NetDoc.malformed("encrypted blob of " + blob.length + " bytes is shorter than salt and MAC");
        }
        int length = blob.length - SALT_LENGTH - MAC_LENGTH;
        byte[] keys = keys(secretData, subcredential, revisionCounter, Arrays.copyOf(blob, SALT_LENGTH), constant);
        try {
            if (!ConstantTime.equals(mac(keys, blob, length), 0, blob, SALT_LENGTH + length, MAC_LENGTH)) {
                throw new DescriptorException(Reason.BAD_MAC, "the " + constant + " layer's MAC does not match "
                        + "(wrong onion address, time period or client key, or the descriptor was altered)");
            }
            byte[] plaintext = new byte[length];
            cipher(keys).process(blob, SALT_LENGTH, length, plaintext, 0);
            return plaintext;
        } finally {
            Arrays.fill(keys, (byte) 0);
        }
    }

    private static byte[] keys(byte[] secretData, byte[] subcredential, long revisionCounter, byte[] salt,
            String constant) {
        return new Shake256().update(secretData).update(subcredential).update(HsKeys.int8(revisionCounter))
                .update(salt).update(constant.getBytes(StandardCharsets.US_ASCII))
                .finish(KEY_LENGTH + IV_LENGTH + MAC_KEY_LENGTH);
    }

    private static AesCtr cipher(byte[] keys) {
        return AesCtr.create(Arrays.copyOf(keys, KEY_LENGTH), Arrays.copyOfRange(keys, KEY_LENGTH, KEY_LENGTH + IV_LENGTH));
    }

    private static byte[] mac(byte[] keys, byte[] blob, int encryptedLength) {
        MessageDigest sha3 = HsKeys.sha3();
        sha3.update(HsKeys.int8(MAC_KEY_LENGTH));
        sha3.update(keys, KEY_LENGTH + IV_LENGTH, MAC_KEY_LENGTH);
        sha3.update(HsKeys.int8(SALT_LENGTH));
        sha3.update(blob, 0, SALT_LENGTH + encryptedLength);
        return sha3.digest();
    }
}
