package org.veilswarm.transport.onion.hs.rend;

import java.util.Arrays;
import org.veilswarm.crypto.X25519KeyPair;
import org.veilswarm.transport.onion.circuit.RelayTarget;
import org.veilswarm.transport.onion.crypto.HandshakeFailedException;

/**
 * What a service decides about one INTRODUCE2 body before it spends a circuit on it (rend-spec-v3 §3.3): the
 * outer cell parses, names this intro point's auth key, carries a MAC made with this intro point's encryption
 * key and the service's subcredential, has not been seen before (§3.2.2; looked up only after the MAC, so that
 * unauthenticated cells cannot fill the cache), and its decrypted plaintext names a rendezvous point. Pure
 * apart from the replay cache, so that a fuzz target can drive the whole decision with authentic cells
 * ({@code RendCellFuzzTest#introduce2Authentic}).
 */
final class IntroductionCheck {
    private IntroductionCheck() {
    }

    /** Why an INTRODUCE2 was refused. */
    enum Reason {
        /** The outer cell does not parse. */
        MALFORMED,
        /** The cell names another intro point's auth key. */
        WRONG_AUTH_KEY,
        /** The MAC does not match, or CLIENT_PK is a small-order point. */
        NOT_AUTHENTIC,
        /** The same encrypted section was accepted before. */
        REPLAY,
        /** This intro point has taken all the introductions its replay cache can remember: time to rotate it. */
        REPLAY_CACHE_FULL,
        /** Authentic and fresh, but the decrypted plaintext or its rendezvous point does not parse. */
        MALFORMED_PLAINTEXT;

        /** The reason as the console and {@code ServiceCounts} show it: {@code not-authentic}, {@code replay}. */
        String word() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    /** The decision on one INTRODUCE2. */
    sealed interface Outcome permits Accepted, Refused {
    }

    /** Authentic, fresh and well formed: build a circuit to {@code rendezvousPoint} and answer. */
    record Accepted(HsNtor.ServiceResult result, IntroducePlaintext plaintext, RelayTarget rendezvousPoint)
            implements Outcome {
    }

    record Refused(Reason reason, String detail) implements Outcome {
    }

    /**
     * Decides on {@code body} received on the intro point with keys {@code authKey} (KP_hs_ipt_sid) and
     * {@code encKey} (KP_hss_ntor); {@code y} is the service's ephemeral key for the rendezvous handshake. Never
     * throws for any body: every failure is a {@link Refused} with its reason. The circuit keys of a refused
     * authentic cell are destroyed here.
     */
    static Outcome check(byte[] authKey, X25519KeyPair encKey, byte[] subcredential, ReplayCache replays, byte[] body,
            X25519KeyPair y) {
        Introduce1 cell;
        try {
            cell = Introduce1.decode("INTRODUCE2", body);
        } catch (RendCellException e) {
            return new Refused(Reason.MALFORMED, e.getMessage());
        }
        if (!Arrays.equals(cell.authKey(), authKey)) {
            return new Refused(Reason.WRONG_AUTH_KEY, "INTRODUCE2 for another intro point's auth key");
        }
        HsNtor.ServiceResult result;
        try {
            result = HsNtor.serve(encKey, authKey, subcredential, cell.header(), cell.encrypted(), y);
        } catch (HandshakeFailedException e) {
            return new Refused(Reason.NOT_AUTHENTIC, e.getMessage());
        }
        switch (replays.check(cell.encrypted())) {
            case REPLAY -> {
                return refuse(result, Reason.REPLAY, "INTRODUCE2 seen before on this intro point");
            }
            case FULL -> {
                return refuse(result, Reason.REPLAY_CACHE_FULL, "replay cache full: the intro point must be rotated");
            }
            case FRESH -> {
            }
        }
        try {
            IntroducePlaintext plaintext = IntroducePlaintext.decode(result.plaintext());
            return new Accepted(result, plaintext, plaintext.rendezvousPoint());
        } catch (RendCellException e) {
            return refuse(result, Reason.MALFORMED_PLAINTEXT, e.getMessage());
        }
    }

    /** A refusal after the handshake: its circuit keys will not be used. */
    private static Refused refuse(HsNtor.ServiceResult result, Reason reason, String detail) {
        result.keys().destroy();
        return new Refused(reason, detail);
    }
}
