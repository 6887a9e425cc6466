package org.veilswarm.transport.onion.hs.rend;

import java.util.concurrent.atomic.LongAdder;
import org.veilswarm.crypto.Ed25519KeyPair;
import org.veilswarm.crypto.X25519KeyPair;
import org.veilswarm.transport.onion.circuit.OriginCircuit;
import org.veilswarm.transport.onion.circuit.RelayTarget;

/**
 * One introduction point of a service (rend-spec-v3 §3.1): the relay, the per-intro-point keys
 * KP_hs_ipt_sid (auth) and KP_hss_ntor (enc), the established circuit and its replay cache.
 */
public final class ServiceIntroPoint {
    private final RelayTarget relay;
    private final Ed25519KeyPair authKey;
    private final X25519KeyPair encKey;
    private final OriginCircuit circuit;
    final ReplayCache replays;
    final LongAdder replaysRefused = new LongAdder();
    final LongAdder introductions = new LongAdder();

    ServiceIntroPoint(RelayTarget relay, Ed25519KeyPair authKey, X25519KeyPair encKey, OriginCircuit circuit, int replayCapacity) {
        this.relay = relay;
        this.authKey = authKey;
        this.encKey = encKey;
        this.circuit = circuit;
        this.replays = new ReplayCache(replayCapacity);
    }

    public RelayTarget relay() {
        return relay;
    }

    /** KP_hs_ipt_sid. */
    public byte[] authKey() {
        return authKey.publicKey();
    }

    /** KP_hss_ntor. */
    public byte[] encKey() {
        return encKey.publicKey();
    }

    Ed25519KeyPair authKeyPair() {
        return authKey;
    }

    X25519KeyPair encKeyPair() {
        return encKey;
    }

    public OriginCircuit circuit() {
        return circuit;
    }

    public boolean isOpen() {
        return circuit.isOpen();
    }

    /** INTRODUCE2 cells refused as replays. */
    public long replaysRefused() {
        return replaysRefused.sum();
    }

    /** Whether the replay cache is full: every further introduction here is refused (§3.2.2), time to rotate. */
    public boolean replayCacheFull() {
        return replays.full();
    }

    /** INTRODUCE2 cells accepted (fresh and authentic). */
    public long introductions() {
        return introductions.sum();
    }

    /** What a client needs to introduce itself here, for the service's {@code subcredential}. */
    public IntroductionTarget target(byte[] subcredential) {
        return new IntroductionTarget(relay, authKey(), encKey(), subcredential);
    }
}
