package org.veilswarm.transport.onion.hs.rend;

import java.util.Objects;
import org.veilswarm.transport.onion.circuit.RelayTarget;
import org.veilswarm.transport.onion.hs.IntroPoint;

/**
 * What a client needs to introduce itself at one introduction point (rend-spec-v3 §2.5.2.2, §3.2):
 * the relay, KP_hs_ipt_sid (auth key), KP_hss_ntor (enc key) and the service's current subcredential.
 */
public record IntroductionTarget(RelayTarget introPoint, byte[] authKey, byte[] encKey, byte[] subcredential) {
    public IntroductionTarget {
        Objects.requireNonNull(introPoint, "introPoint");
        authKey = check(authKey, "authKey");
        encKey = check(encKey, "encKey");
        subcredential = check(subcredential, "subcredential");
    }

    private static byte[] check(byte[] key, String what) {
        if (key == null || key.length != 32) {
            throw new IllegalArgumentException(what + " must be 32 bytes");
        }
        return key.clone();
    }

    /** From a decrypted descriptor's introduction-point entry. */
    public static IntroductionTarget of(IntroPoint entry, byte[] subcredential) throws RendCellException {
        return new IntroductionTarget(LinkSpecifiers.decode(entry.linkSpecifiers(), entry.onionKey()), entry.authKey(),
                entry.encKey(), subcredential);
    }

    @Override
    public byte[] authKey() {
        return authKey.clone();
    }

    @Override
    public byte[] encKey() {
        return encKey.clone();
    }

    @Override
    public byte[] subcredential() {
        return subcredential.clone();
    }
}
