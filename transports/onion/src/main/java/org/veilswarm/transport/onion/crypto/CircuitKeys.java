package org.veilswarm.transport.onion.crypto;

import java.util.Arrays;
import javax.security.auth.Destroyable;

/**
 * The key material of one circuit hop (tor-spec §5.2.2): forward digest seed Df [HASH_LEN], backward
 * digest seed Db [HASH_LEN], forward key Kf [KEY_LEN], backward key Kb [KEY_LEN], and the nonce KH
 * [DIGEST_LEN] that the onion-service protocol uses. "Forward" is the direction CREATE cells travel,
 * away from the client. Accessors hand out copies; {@link #destroy()} zeroes the keys.
 *
 * @see <a href="https://spec.torproject.org/tor-spec/setting-circuit-keys.html">tor-spec §5.2 Setting circuit keys</a>
 */
public final class CircuitKeys implements Destroyable {
    /** KEY_LEN: AES-128 (tor-spec §0.3). */
    public static final int KEY_LEN = 16;
    /** HASH_LEN: SHA-1 (tor-spec §0.3). */
    public static final int HASH_LEN = 20;
    /** DIGEST_LEN of the KH nonce. */
    public static final int NONCE_LEN = 20;
    /** Bytes of key material taken from the KDF: Df | Db | Kf | Kb | KH. */
    public static final int MATERIAL_LEN = 2 * HASH_LEN + 2 * KEY_LEN + NONCE_LEN;

    private final byte[] material;
    private volatile boolean destroyed;

    /** Splits {@link #MATERIAL_LEN} bytes of KDF output: Df | Db | Kf | Kb | KH (tor-spec §5.2.2). */
    public static CircuitKeys fromKeyMaterial(byte[] material) {
        if (material.length < MATERIAL_LEN) {
            throw new IllegalArgumentException("need " + MATERIAL_LEN + " bytes of key material, got " + material.length);
        }
        return new CircuitKeys(Arrays.copyOf(material, MATERIAL_LEN));
    }

    private CircuitKeys(byte[] material) {
        this.material = material;
    }

    /** Df: seeds the running digest of cells from the client to this hop. */
    public byte[] forwardDigestSeed() {
        return part(0, HASH_LEN);
    }

    /** Db: seeds the running digest of cells from this hop to the client. */
    public byte[] backwardDigestSeed() {
        return part(HASH_LEN, HASH_LEN);
    }

    /** Kf: encrypts cells travelling away from the client. */
    public byte[] forwardKey() {
        return part(2 * HASH_LEN, KEY_LEN);
    }

    /** Kb: encrypts cells travelling towards the client. */
    public byte[] backwardKey() {
        return part(2 * HASH_LEN + KEY_LEN, KEY_LEN);
    }

    /** KH: "a nonce to use in the place of KH in the hidden service protocol". */
    public byte[] nonce() {
        return part(2 * HASH_LEN + 2 * KEY_LEN, NONCE_LEN);
    }

    private byte[] part(int offset, int length) {
        if (destroyed) {
            throw new IllegalStateException("circuit keys have been destroyed");
        }
        return Arrays.copyOfRange(material, offset, offset + length);
    }

    @Override
    public void destroy() {
        destroyed = true;
        Arrays.fill(material, (byte) 0);
    }

    @Override
    public boolean isDestroyed() {
        return destroyed;
    }

    @Override
    public String toString() {
        return "CircuitKeys[" + (destroyed ? "destroyed" : "hidden") + "]";
    }
}
