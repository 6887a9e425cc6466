package org.veilswarm.transport.onion.crypto;

import io.netty.buffer.ByteBuf;
import org.veilswarm.crypto.AesCtr;
import org.veilswarm.crypto.RunningDigest;
import org.veilswarm.transport.onion.cell.CellFormat;

/**
 * One direction of one hop of tor1 relay crypto: an AES-128-CTR stream cipher with a zero IV (tor-spec
 * §0.3) keyed with Kf or Kb, and the running SHA-1 digest seeded with Df or Db (tor-spec §6.1) of the
 * cells that start or end at this hop in this direction. Works in place on 509-byte payloads; heap
 * buffers are processed in their backing array, direct ones through the crypto module's per-thread
 * scratch arrays, so a cell costs no allocation beyond the digest snapshot.
 */
final class Tor1Direction {
    private final AesCtr cipher;
    private RunningDigest digest;
    private byte[] lastDigest;

    Tor1Direction(byte[] key, byte[] digestSeed) {
        this.cipher = AesCtr.aes128(key);
        this.digest = RunningDigest.sha1().update(digestSeed);
    }

    /** Encrypts or decrypts (the same in CTR mode) the 509-byte payload at {@code index}. */
    void crypt(ByteBuf payload, int index) {
        if (payload.hasArray()) {
            cipher.process(payload.array(), payload.arrayOffset() + index, CellFormat.PAYLOAD_LEN);
        } else {
            cipher.process(payload.nioBuffer(index, CellFormat.PAYLOAD_LEN));
        }
    }

    /**
     * Sending side, before encryption: absorbs the plaintext payload (digest field zero) into the
     * running digest and writes the digest's first four bytes into the digest field (tor-spec §6.1).
     */
    void seal(ByteBuf payload, int index) {
        payload.setInt(index + CellFormat.RELAY_DIGEST_OFFSET, 0);
        absorb(digest, payload, index);
        lastDigest = digest.currentValue();
        payload.setBytes(index + CellFormat.RELAY_DIGEST_OFFSET, lastDigest, 0, CellFormat.RELAY_DIGEST_LEN);
    }

    /**
     * Receiving side, after decryption: whether the payload is addressed to this hop. It is if
     * 'Recognized' is zero and the digest field matches the running digest over the payload with the
     * digest field zeroed; only then does the running digest advance ("if 'recognized' is zero but the
     * digest does not match, the running digest at that node should not be updated"). The payload is
     * left as it was.
     */
    boolean open(ByteBuf payload, int index) {
        if (payload.getUnsignedShort(index + CellFormat.RELAY_RECOGNIZED_OFFSET) != 0) {
            return false;
        }
        int digestField = index + CellFormat.RELAY_DIGEST_OFFSET;
        int received = payload.getInt(digestField);
        payload.setInt(digestField, 0);
        RunningDigest candidate = digest.copy();
        absorb(candidate, payload, index);
        payload.setInt(digestField, received);
        byte[] value = candidate.currentValue();
        int expected = (value[0] & 0xFF) << 24 | (value[1] & 0xFF) << 16 | (value[2] & 0xFF) << 8 | value[3] & 0xFF;
        // One int comparison: no data-dependent early exit.
        if ((expected ^ received) != 0) {
            return false;
        }
        digest = candidate;
        lastDigest = value;
        return true;
    }

    /** The full running digest (20 bytes) after the last cell sealed or opened here, for SENDME v1. */
    byte[] lastDigest() {
        return lastDigest == null ? null : lastDigest.clone();
    }

    private static void absorb(RunningDigest digest, ByteBuf payload, int index) {
        if (payload.hasArray()) {
            digest.update(payload.array(), payload.arrayOffset() + index, CellFormat.PAYLOAD_LEN);
        } else {
            digest.update(payload.nioBuffer(index, CellFormat.PAYLOAD_LEN));
        }
    }
}
