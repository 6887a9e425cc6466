package org.veilswarm.transport.onion.hs.rend;

import org.veilswarm.crypto.RunningDigest;

/**
 * The MAC of rend-spec-v3 §0.3 and [NTOR-WITH-EXTRA-DATA] (§3.3.1):
 * {@code MAC(key, message) = SHA3-256(htonll(len(key)) | key | message)}.
 */
final class HsMac {
    static final int LENGTH = 32;

    private HsMac() {
    }

    static byte[] mac(byte[] key, byte[] message) {
        return mac(key, message, 0, message.length);
    }

    static byte[] mac(byte[] key, byte[] message, int offset, int length) {
        byte[] keyLength = new byte[8];
        long n = key.length;
        for (int i = 7; i >= 0; i--) {
            keyLength[i] = (byte) n;
            n >>>= 8;
        }
        return RunningDigest.sha3_256().update(keyLength).update(key).update(message, offset, length).currentValue();
    }
}
