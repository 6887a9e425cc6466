package org.veilswarm.transport.onion.hs.rend;

import java.util.Arrays;
import org.veilswarm.crypto.Shake256;

/**
 * The keys of the end-to-end hop of a rendezvous circuit (rend-spec-v3 §3.3.1, "key expansion"):
 * {@code K = KDF(NTOR_KEY_SEED | m_hsexpand, 2 * HASH_LEN + 2 * S_KEY_LEN)} with SHAKE-256 as KDF,
 * split into Df, Db (SHA3-256 digest seeds) and Kf, Kb (AES-256 keys). "Forward" is the direction from
 * the client to the service.
 */
public final class HsCircuitKeys {
    static final int HASH_LEN = 32;
    static final int S_KEY_LEN = 32;
    private final byte[] material;

    private HsCircuitKeys(byte[] material) {
        this.material = material;
    }

    static HsCircuitKeys expand(byte[] ntorKeySeed) {
        return new HsCircuitKeys(Shake256.hash(2 * HASH_LEN + 2 * S_KEY_LEN, ntorKeySeed, HsNtor.M_HSEXPAND));
    }

    /** The whole expansion, Df | Db | Kf | Kb (for test vectors). */
    public byte[] material() {
        return material.clone();
    }

    public byte[] forwardDigestSeed() {
        return Arrays.copyOfRange(material, 0, HASH_LEN);
    }

    public byte[] backwardDigestSeed() {
        return Arrays.copyOfRange(material, HASH_LEN, 2 * HASH_LEN);
    }

    public byte[] forwardKey() {
        return Arrays.copyOfRange(material, 2 * HASH_LEN, 2 * HASH_LEN + S_KEY_LEN);
    }

    public byte[] backwardKey() {
        return Arrays.copyOfRange(material, 2 * HASH_LEN + S_KEY_LEN, 2 * HASH_LEN + 2 * S_KEY_LEN);
    }

    void destroy() {
        Arrays.fill(material, (byte) 0);
    }

    @Override
    public String toString() {
        return "HsCircuitKeys[hidden]";
    }
}
