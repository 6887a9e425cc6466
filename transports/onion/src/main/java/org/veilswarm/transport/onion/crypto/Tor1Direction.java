package org.veilswarm.transport.onion.crypto;

import org.veilswarm.crypto.AesCtr;
import org.veilswarm.crypto.RunningDigest;
import org.veilswarm.transport.onion.cell.CellFormat;

/**
 * One direction of one hop of tor1 relay crypto: an AES-128-CTR stream cipher with a zero IV (tor-spec
 * §0.3) keyed with Kf or Kb, and the running SHA-1 digest seeded with Df or Db (tor-spec §6.1) of the
 * cells that start or end at this hop in this direction. Works in place on a 509-byte payload in an
 * array ({@link PayloadView} supplies it, so direct buffers are copied once per cell, not per layer).
 */
final class Tor1Direction {
    private final AesCtr cipher;
    private RunningDigest digest;
    /** What open() digests a candidate cell in; swapped with {@link #digest} when the cell is this hop's. */
    private RunningDigest spare;
    private byte[] lastDigest;

    Tor1Direction(byte[] key, byte[] digestSeed) {
        this(AesCtr.aes128(key), RunningDigest.sha1().update(digestSeed));
    }

    /**
     * The same cell format with other primitives: the end-to-end layer of a joined rendezvous circuit
     * uses AES-256-CTR and SHA3-256 (rend-spec-v3 §3.3.1).
     */
    Tor1Direction(AesCtr cipher, RunningDigest digest) {
        this.cipher = cipher;
        this.digest = digest;
    }

    /** Encrypts or decrypts (the same in CTR mode) the payload at {@code offset}. */
    void crypt(byte[] payload, int offset) {
        cipher.process(payload, offset, CellFormat.PAYLOAD_LEN);
    }

    /**
     * Sending side, before encryption: absorbs the plaintext payload (digest field zero) into the
     * running digest and writes the digest's first four bytes into the digest field (tor-spec §6.1).
     */
    void seal(byte[] payload, int offset) {
        int digestField = offset + CellFormat.RELAY_DIGEST_OFFSET;
        setInt(payload, digestField, 0);
        digest.update(payload, offset, CellFormat.PAYLOAD_LEN);
        lastDigest = digest.currentValue();
        System.arraycopy(lastDigest, 0, payload, digestField, CellFormat.RELAY_DIGEST_LEN);
    }

    /**
     * Receiving side, after decryption: whether the payload is addressed to this hop. It is if
     * 'Recognized' is zero and the digest field matches the running digest over the payload with the
     * digest field zeroed; only then does the running digest advance ("if 'recognized' is zero but the
     * digest does not match, the running digest at that node should not be updated"). The payload is
     * left as it was.
     */
    boolean open(byte[] payload, int offset) {
        int recognized = offset + CellFormat.RELAY_RECOGNIZED_OFFSET;
        if ((payload[recognized] | payload[recognized + 1]) != 0) {
            return false;
        }
        int digestField = offset + CellFormat.RELAY_DIGEST_OFFSET;
        int received = getInt(payload, digestField);
        setInt(payload, digestField, 0);
        RunningDigest candidate = spare == null ? digest.copy() : digest.copyInto(spare);
        candidate.update(payload, offset, CellFormat.PAYLOAD_LEN);
        setInt(payload, digestField, received);
        byte[] value = candidate.currentValue();
        // One int comparison: no data-dependent early exit.
        if ((getInt(value, 0) ^ received) != 0) {
            return false;
        }
        spare = digest;
        digest = candidate;
        lastDigest = value;
        return true;
    }

    /**
     * The running digest after the last cell sealed or opened here, for SENDME v1: its first 20 bytes
     * (all of SHA-1; SHA3-256 is cut to DIGEST_LEN as C tor records it for SENDMEs).
     */
    byte[] lastDigest() {
        return lastDigest == null ? null : java.util.Arrays.copyOf(lastDigest, 20);
    }

    private static int getInt(byte[] bytes, int at) {
        return (bytes[at] & 0xFF) << 24 | (bytes[at + 1] & 0xFF) << 16 | (bytes[at + 2] & 0xFF) << 8 | bytes[at + 3] & 0xFF;
    }

    private static void setInt(byte[] bytes, int at, int value) {
        bytes[at] = (byte) (value >>> 24);
        bytes[at + 1] = (byte) (value >>> 16);
        bytes[at + 2] = (byte) (value >>> 8);
        bytes[at + 3] = (byte) value;
    }
}
