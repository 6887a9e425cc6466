package org.veilswarm.transport.onion.circuit;

import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.Objects;
import org.veilswarm.api.directory.RelayDescriptor;

/**
 * What a client needs to extend a circuit to a relay: its Ed25519 identity (which the extending
 * relay's link must prove, tor-spec §5.1.2), its ntor onion key and an OR address.
 */
public record RelayTarget(byte[] identity, byte[] ntorOnionKey, InetSocketAddress address) {
    public RelayTarget {
        identity = check(identity, "identity");
        ntorOnionKey = check(ntorOnionKey, "ntorOnionKey");
        Objects.requireNonNull(address, "address");
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("the OR address must be an IP address, got " + address);
        }
    }

    private static byte[] check(byte[] key, String what) {
        if (key == null || key.length != 32) {
            throw new IllegalArgumentException(what + " must be 32 bytes");
        }
        return key.clone();
    }

    /** The descriptor's first OR address. */
    public static RelayTarget of(RelayDescriptor descriptor) {
        if (descriptor.orAddresses().isEmpty()) {
            throw new IllegalArgumentException("descriptor has no OR address");
        }
        return new RelayTarget(descriptor.identity(), descriptor.ntorOnionKey(), descriptor.orAddresses().get(0));
    }

    @Override
    public byte[] identity() {
        return identity.clone();
    }

    @Override
    public byte[] ntorOnionKey() {
        return ntorOnionKey.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RelayTarget t && Arrays.equals(identity, t.identity)
                && Arrays.equals(ntorOnionKey, t.ntorOnionKey) && address.equals(t.address);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(identity), Arrays.hashCode(ntorOnionKey), address);
    }

    @Override
    public String toString() {
        return "RelayTarget[" + java.util.HexFormat.of().formatHex(identity) + " at " + address + "]";
    }
}
