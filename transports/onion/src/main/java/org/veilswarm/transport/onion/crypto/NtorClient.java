package org.veilswarm.transport.onion.crypto;

import java.util.Arrays;
import java.util.Objects;
import org.veilswarm.crypto.AllZeroSharedSecretException;
import org.veilswarm.crypto.ConstantTime;
import org.veilswarm.crypto.X25519;
import org.veilswarm.crypto.X25519KeyPair;
import org.veilswarm.transport.onion.crypto.HandshakeFailedException.Reason;

/**
 * The client side of one ntor handshake (tor-spec §5.1.4). {@link #start(NtorPublicKey)} makes the
 * ephemeral key pair x,X and the client handshake NODEID | KEYID(B) | X that goes into CREATE2 or
 * EXTEND2 (HTYPE {@code 0x0002}); {@link #finish(byte[])} checks the server's Y | AUTH and returns the
 * hop's keys. One use only: the ephemeral secret is destroyed when the handshake finishes or fails.
 *
 * @see <a href="https://spec.torproject.org/tor-spec/create-created-cells.html">tor-spec §5.1.4 The "ntor" handshake</a>
 */
public final class NtorClient {
    /** Length of the client handshake (CREATE2's HDATA for ntor). */
    public static final int CLIENT_HANDSHAKE_LEN = Ntor.CLIENT_HANDSHAKE_LEN;
    /** Length of the server handshake (CREATED2's HDATA for ntor). */
    public static final int SERVER_HANDSHAKE_LEN = Ntor.SERVER_HANDSHAKE_LEN;

    private final NtorPublicKey relay;
    private final X25519KeyPair ephemeral;
    private final byte[] x;
    private boolean finished;

    private NtorClient(NtorPublicKey relay, X25519KeyPair ephemeral) {
        this.relay = Objects.requireNonNull(relay, "relay");
        this.ephemeral = Objects.requireNonNull(ephemeral, "ephemeral");
        this.x = ephemeral.publicKey();
    }

    /** Starts a handshake with a fresh ephemeral key. */
    public static NtorClient start(NtorPublicKey relay) {
        return new NtorClient(relay, X25519.generateKeyPair());
    }

    /** Starts a handshake with the given ephemeral key (for test vectors; never reuse a key). */
    public static NtorClient start(NtorPublicKey relay, X25519KeyPair ephemeral) {
        return new NtorClient(relay, ephemeral);
    }

    /** NODEID [20] | KEYID [32] | CLIENT_KP [32]: the HDATA of CREATE2/EXTEND2. */
    public byte[] clientHandshake() {
        return Ntor.concat(relay.identityUnsafe(), relay.onionKeyUnsafe(), x);
    }

    /**
     * Completes the handshake with the server's reply SERVER_KP Y [32] | AUTH [32].
     *
     * @throws HandshakeFailedException if the reply is malformed, Y is degenerate, or AUTH does not
     *     verify (compared in constant time)
     * @throws IllegalStateException if this handshake already finished
     */
    public CircuitKeys finish(byte[] serverHandshake) throws HandshakeFailedException {
        if (finished) {
            throw new IllegalStateException("this ntor handshake already finished");
        }
        finished = true;
        try {
            Objects.requireNonNull(serverHandshake, "serverHandshake");
            if (serverHandshake.length != SERVER_HANDSHAKE_LEN) {
                throw new HandshakeFailedException(Reason.MALFORMED, "server handshake must be "
                        + SERVER_HANDSHAKE_LEN + " bytes, got " + serverHandshake.length);
            }
            byte[] y = Arrays.copyOfRange(serverHandshake, 0, Ntor.G_LENGTH);
            byte[] auth = Arrays.copyOfRange(serverHandshake, Ntor.G_LENGTH, SERVER_HANDSHAKE_LEN);
            byte[] yx;
            byte[] bx;
            try {
                // EXP(Y, x) and EXP(B, x); an all-zero result is the point at infinity.
                yx = ephemeral.agree(y);
                bx = ephemeral.agree(relay.onionKeyUnsafe());
            } catch (AllZeroSharedSecretException e) {
                throw new HandshakeFailedException(Reason.DEGENERATE_KEY, "EXP() produced the point at infinity", e);
            }
            Ntor.Derived derived = Ntor.derive(yx, bx, relay.identityUnsafe(), relay.onionKeyUnsafe(), x, y);
            Arrays.fill(yx, (byte) 0);
            Arrays.fill(bx, (byte) 0);
            if (!ConstantTime.equals(derived.auth(), auth)) {
                Arrays.fill(derived.keySeed(), (byte) 0);
                throw new HandshakeFailedException(Reason.BAD_AUTH, "server AUTH does not verify");
            }
            return Ntor.circuitKeys(derived.keySeed());
        } finally {
            ephemeral.destroy();
        }
    }
}
