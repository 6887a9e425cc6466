package org.veilswarm.transport.tor.control;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * What {@code tor --hash-password} prints, for tests: "16:" + hex(salt | indicator | key) with the
 * OpenPGP iterated and salted S2K of RFC 4880 §3.7.1.3 over SHA-1, indicator 0x60 (65,536 bytes).
 */
final class TorPasswordHash {
    private static final int INDICATOR = 0x60;

    private TorPasswordHash() {
    }

    static String of(String password, byte[] salt) throws NoSuchAlgorithmException {
        byte[] secret = password.getBytes(StandardCharsets.UTF_8);
        long count = (16L + (INDICATOR & 15)) << ((INDICATOR >> 4) + 6);
        byte[] block = new byte[salt.length + secret.length];
        System.arraycopy(salt, 0, block, 0, salt.length);
        System.arraycopy(secret, 0, block, salt.length, secret.length);
        MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
        long remaining = Math.max(count, block.length);
        while (remaining > 0) {
            int n = (int) Math.min(block.length, remaining);
            sha1.update(block, 0, n);
            remaining -= n;
        }
        byte[] out = new byte[salt.length + 1 + 20];
        System.arraycopy(salt, 0, out, 0, salt.length);
        out[salt.length] = (byte) INDICATOR;
        System.arraycopy(sha1.digest(), 0, out, salt.length + 1, 20);
        return "16:" + HexFormat.of().withUpperCase().formatHex(out);
    }
}
