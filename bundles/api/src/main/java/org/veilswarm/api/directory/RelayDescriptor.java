package org.veilswarm.api.directory;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What a relay says about itself, as the directory presents it once verified. Byte arrays are copied in
 * and out, so the record is immutable; compare identities with {@link #sameRelay}.
 *
 * @param identity the relay's Ed25519 identity key (32 bytes)
 * @param ntorOnionKey the relay's Curve25519 key for the ntor handshake (tor-spec §5.1.4), 32 bytes
 * @param orAddresses where the relay accepts links (at least one)
 * @param bandwidthObserved bytes/s the relay observed itself sustaining
 * @param bandwidthConfigured bytes/s the operator allows (rate limit), or 0 when unlimited
 * @param family identities of relays run by the same operator; two relays are one family only when each
 *     names the other ({@link #sameFamily}), and paths never contain two of a family
 * @param version the relay's software version
 * @param flags flags assigned by the authorities (claimed flags before a vote)
 * @param published when the relay signed the descriptor
 */
public record RelayDescriptor(byte[] identity, byte[] ntorOnionKey, List<InetSocketAddress> orAddresses,
        long bandwidthObserved, long bandwidthConfigured, Set<Key> family, String version, Set<RelayFlag> flags,
        Instant published) {

    public RelayDescriptor {
        identity = checkKey(identity, "identity");
        ntorOnionKey = checkKey(ntorOnionKey, "ntorOnionKey");
        orAddresses = List.copyOf(orAddresses);
        if (orAddresses.isEmpty()) {
            throw new IllegalArgumentException("a relay needs at least one OR address");
        }
        if (bandwidthObserved < 0 || bandwidthConfigured < 0) {
            throw new IllegalArgumentException("bandwidth cannot be negative");
        }
        family = Set.copyOf(family);
        Objects.requireNonNull(version, "version");
        flags = Set.copyOf(flags);
        Objects.requireNonNull(published, "published");
    }

    @Override
    public byte[] identity() {
        return identity.clone();
    }

    @Override
    public byte[] ntorOnionKey() {
        return ntorOnionKey.clone();
    }

    /** Records compare arrays by reference; descriptors are equal when their content is. */
    @Override
    public boolean equals(Object o) {
        return o instanceof RelayDescriptor d && java.util.Arrays.equals(identity, d.identity)
                && java.util.Arrays.equals(ntorOnionKey, d.ntorOnionKey) && orAddresses.equals(d.orAddresses)
                && bandwidthObserved == d.bandwidthObserved && bandwidthConfigured == d.bandwidthConfigured
                && family.equals(d.family) && version.equals(d.version) && flags.equals(d.flags)
                && published.equals(d.published);
    }

    @Override
    public int hashCode() {
        return Objects.hash(java.util.Arrays.hashCode(identity), java.util.Arrays.hashCode(ntorOnionKey), orAddresses,
                bandwidthObserved, bandwidthConfigured, family, version, flags, published);
    }

    /** The identity as a comparable key. */
    public Key identityKey() {
        return new Key(identity);
    }

    /** The bandwidth used for weighting: the observed one, capped by the configured one when set. */
    public long weight() {
        return bandwidthConfigured == 0 ? bandwidthObserved : Math.min(bandwidthObserved, bandwidthConfigured);
    }

    /** Whether both descriptors describe the same relay identity. */
    public boolean sameRelay(RelayDescriptor other) {
        return java.util.Arrays.equals(identity, other.identity);
    }

    /**
     * Whether the two relays are the same or declare each other as family. Both must declare it (tor's
     * rule, dir-spec "family"): a one-sided claim costs nothing to make, and would let a malicious relay
     * name honest relays to keep them off every path it is on.
     */
    public boolean sameFamily(RelayDescriptor other) {
        return sameRelay(other) || (family.contains(other.identityKey()) && other.family.contains(identityKey()));
    }

    private static byte[] checkKey(byte[] key, String name) {
        if (key == null || key.length != 32) {
            throw new IllegalArgumentException(name + " must be 32 bytes, got " + (key == null ? "null" : key.length));
        }
        return key.clone();
    }

    /** A 32-byte key usable in sets and maps. */
    public record Key(byte[] bytes) {
        public Key {
            bytes = checkKey(bytes, "key");
        }

        @Override
        public byte[] bytes() {
            return bytes.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && java.util.Arrays.equals(bytes, k.bytes);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return java.util.HexFormat.of().formatHex(bytes);
        }
    }
}
