package org.veilswarm.transport.onion.crypto;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * What a client must know about a relay to run ntor with it: the relay's identity digest ID
 * [ID_LENGTH = 20] and its ntor onion key B, a curve25519 public key [G_LENGTH = 32].
 *
 * @see <a href="https://spec.torproject.org/tor-spec/create-created-cells.html">tor-spec §5.1.4 The "ntor" handshake</a>
 */
public final class NtorPublicKey {
    private final byte[] identity;
    private final byte[] onionKey;

    public NtorPublicKey(byte[] identity, byte[] onionKey) {
        this.identity = requireLength(identity, Ntor.ID_LENGTH, "identity digest");
        this.onionKey = requireLength(onionKey, Ntor.G_LENGTH, "ntor onion key");
    }

    static byte[] requireLength(byte[] value, int length, String what) {
        Objects.requireNonNull(value, what);
        if (value.length != length) {
            throw new IllegalArgumentException(what + " must be " + length + " bytes, got " + value.length);
        }
        return value.clone();
    }

    /** ID: the relay's identity digest. */
    public byte[] identity() {
        return identity.clone();
    }

    /** B: the relay's ntor onion key. */
    public byte[] onionKey() {
        return onionKey.clone();
    }

    byte[] identityUnsafe() {
        return identity;
    }

    byte[] onionKeyUnsafe() {
        return onionKey;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NtorPublicKey other && Arrays.equals(identity, other.identity)
                && Arrays.equals(onionKey, other.onionKey);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(identity) + Arrays.hashCode(onionKey);
    }

    @Override
    public String toString() {
        return "NtorPublicKey[ID=" + HexFormat.of().formatHex(identity) + ", B=" + HexFormat.of().formatHex(onionKey) + "]";
    }
}
