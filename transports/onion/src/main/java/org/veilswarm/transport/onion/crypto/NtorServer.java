package org.veilswarm.transport.onion.crypto;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.veilswarm.crypto.AllZeroSharedSecretException;
import org.veilswarm.crypto.X25519;
import org.veilswarm.crypto.X25519KeyPair;
import org.veilswarm.transport.onion.crypto.HandshakeFailedException.Reason;

/**
 * The relay side of the ntor handshake (tor-spec §5.1.4): answers a client handshake NODEID | KEYID |
 * X with Y | AUTH and derives the hop's keys. Holds the relay's identity digest and its ntor onion
 * keys (the current one and, during rotation, older ones still published); KEYID picks among them.
 * Thread-safe: every call uses a fresh ephemeral key.
 *
 * @see <a href="https://spec.torproject.org/tor-spec/create-created-cells.html">tor-spec §5.1.4 The "ntor" handshake</a>
 */
public final class NtorServer {
    /** The server's reply (CREATED2's HDATA) and the keys of the new hop. */
    public record Reply(byte[] serverHandshake, CircuitKeys keys) {
        public Reply {
            Objects.requireNonNull(serverHandshake, "serverHandshake");
            Objects.requireNonNull(keys, "keys");
        }
    }

    private final byte[] identity;
    private final List<X25519KeyPair> onionKeys;

    /**
     * @param identity this relay's identity digest ID [20]
     * @param onionKeys this relay's ntor onion keys b,B (at least one)
     */
    public NtorServer(byte[] identity, List<X25519KeyPair> onionKeys) {
        this.identity = NtorPublicKey.requireLength(identity, Ntor.ID_LENGTH, "identity digest");
        this.onionKeys = List.copyOf(onionKeys);
        if (this.onionKeys.isEmpty()) {
            throw new IllegalArgumentException("need at least one ntor onion key");
        }
    }

    /** Answers {@code clientHandshake} with a fresh ephemeral key y,Y. */
    public Reply respond(byte[] clientHandshake) throws HandshakeFailedException {
        return respond(clientHandshake, X25519.generateKeyPair());
    }

    /**
     * Answers {@code clientHandshake} with the given ephemeral key (for test vectors; never reuse a
     * key). The ephemeral secret is destroyed afterwards.
     *
     * @throws HandshakeFailedException if the handshake is malformed, names another relay or an
     *     onion key we do not hold, or X is degenerate
     */
    public Reply respond(byte[] clientHandshake, X25519KeyPair ephemeral) throws HandshakeFailedException {
        Objects.requireNonNull(ephemeral, "ephemeral");
        try {
            Objects.requireNonNull(clientHandshake, "clientHandshake");
            if (clientHandshake.length != Ntor.CLIENT_HANDSHAKE_LEN) {
                throw new HandshakeFailedException(Reason.MALFORMED, "client handshake must be "
                        + Ntor.CLIENT_HANDSHAKE_LEN + " bytes, got " + clientHandshake.length);
            }
            byte[] nodeId = Arrays.copyOfRange(clientHandshake, 0, Ntor.ID_LENGTH);
            byte[] keyId = Arrays.copyOfRange(clientHandshake, Ntor.ID_LENGTH, Ntor.ID_LENGTH + Ntor.H_LENGTH);
            byte[] x = Arrays.copyOfRange(clientHandshake, Ntor.ID_LENGTH + Ntor.H_LENGTH, Ntor.CLIENT_HANDSHAKE_LEN);
            if (!MessageDigest.isEqual(nodeId, identity)) {
                throw new HandshakeFailedException(Reason.UNKNOWN_IDENTITY, "NODEID names another relay");
            }
            X25519KeyPair onionKey = onionKeyFor(keyId);
            byte[] y = ephemeral.publicKey();
            byte[] xy;
            byte[] xb;
            try {
                // EXP(X, y) and EXP(X, b); an all-zero result is the point at infinity.
                xy = ephemeral.agree(x);
                xb = onionKey.agree(x);
            } catch (AllZeroSharedSecretException e) {
                throw new HandshakeFailedException(Reason.DEGENERATE_KEY, "EXP() produced the point at infinity", e);
            }
            Ntor.Derived derived = Ntor.derive(xy, xb, identity, keyId, x, y);
            Arrays.fill(xy, (byte) 0);
            Arrays.fill(xb, (byte) 0);
            return new Reply(Ntor.concat(y, derived.auth()), Ntor.circuitKeys(derived.keySeed()));
        } finally {
            ephemeral.destroy();
        }
    }

    private X25519KeyPair onionKeyFor(byte[] keyId) throws HandshakeFailedException {
        for (X25519KeyPair candidate : onionKeys) {
            // KEYID(B) = B: a public value, so an ordinary comparison is fine.
            if (Arrays.equals(candidate.publicKey(), keyId)) {
                return candidate;
            }
        }
        throw new HandshakeFailedException(Reason.UNKNOWN_ONION_KEY, "KEYID is not one of our onion keys");
    }
}
