package org.veilswarm.transport.onion.cell;

import io.netty.buffer.ByteBuf;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.util.Arrays;
import java.util.Objects;

/**
 * One link specifier of EXTEND2: LSTYPE [1], LSLEN [1], LSPEC [LSLEN], describing the next hop and
 * how to reach it. "Nodes MUST ignore unrecognized specifiers" ({@link Unrecognized} keeps them
 * for re-encoding); a recognized type with the wrong length is circuit-fatal.
 *
 * @see <a href="https://spec.torproject.org/tor-spec/create-created-cells.html">tor-spec §5.1.2 EXTEND and EXTENDED cells</a>
 */
public sealed interface LinkSpecifier {
    /** LSTYPE 0: TLS-over-TCP, IPv4 address [4] plus ORPort [2]. */
    int TYPE_IPV4 = 0;
    /** LSTYPE 1: TLS-over-TCP, IPv6 address [16] plus ORPort [2]. */
    int TYPE_IPV6 = 1;
    /** LSTYPE 2: legacy identity, a 20-byte SHA-1 RSA identity fingerprint. At most one. */
    int TYPE_LEGACY_ID = 2;
    /** LSTYPE 3: Ed25519 identity, a 32-byte key. At most one. */
    int TYPE_ED25519_ID = 3;

    /** LSTYPE. */
    int type();

    /** LSPEC's length. */
    int length();

    /** Writes LSPEC (without LSTYPE and LSLEN). */
    void writeValue(ByteBuf out);

    /** TLS-over-TCP at an IPv4 address. */
    record Ipv4(Inet4Address address, int port) implements LinkSpecifier {
        public Ipv4 {
            Objects.requireNonNull(address, "address");
            Checks.unsigned(port, 16, "ORPort");
        }

        @Override
        public int type() {
            return TYPE_IPV4;
        }

        @Override
        public int length() {
            return 6;
        }

        @Override
        public void writeValue(ByteBuf out) {
            out.writeBytes(address.getAddress()).writeShort(port);
        }
    }

    /** TLS-over-TCP at an IPv6 address. */
    record Ipv6(Inet6Address address, int port) implements LinkSpecifier {
        public Ipv6 {
            Objects.requireNonNull(address, "address");
            Checks.unsigned(port, 16, "ORPort");
        }

        @Override
        public int type() {
            return TYPE_IPV6;
        }

        @Override
        public int length() {
            return 18;
        }

        @Override
        public void writeValue(ByteBuf out) {
            out.writeBytes(address.getAddress()).writeShort(port);
        }
    }

    /** The SHA-1 fingerprint of the relay's RSA identity key. */
    record LegacyId(byte[] fingerprint) implements LinkSpecifier {
        public static final int LENGTH = 20;

        public LegacyId {
            fingerprint = Checks.exactLength(fingerprint, LENGTH, "legacy identity");
        }

        @Override
        public byte[] fingerprint() {
            return fingerprint.clone();
        }

        @Override
        public int type() {
            return TYPE_LEGACY_ID;
        }

        @Override
        public int length() {
            return LENGTH;
        }

        @Override
        public void writeValue(ByteBuf out) {
            out.writeBytes(fingerprint);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof LegacyId other && Arrays.equals(fingerprint, other.fingerprint);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(fingerprint);
        }

        @Override
        public String toString() {
            return "LegacyId[" + Checks.hex(fingerprint) + "]";
        }
    }

    /** The relay's Ed25519 identity key. */
    record Ed25519Id(byte[] key) implements LinkSpecifier {
        public static final int LENGTH = 32;

        public Ed25519Id {
            key = Checks.exactLength(key, LENGTH, "Ed25519 identity");
        }

        @Override
        public byte[] key() {
            return key.clone();
        }

        @Override
        public int type() {
            return TYPE_ED25519_ID;
        }

        @Override
        public int length() {
            return LENGTH;
        }

        @Override
        public void writeValue(ByteBuf out) {
            out.writeBytes(key);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Ed25519Id other && Arrays.equals(key, other.key);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(key);
        }

        @Override
        public String toString() {
            return "Ed25519Id[" + Checks.hex(key) + "]";
        }
    }

    /** A specifier of a type this implementation does not know, kept as is. */
    record Unrecognized(int type, byte[] value) implements LinkSpecifier {
        public Unrecognized {
            Checks.unsigned(type, 8, "LSTYPE");
            if (type <= TYPE_ED25519_ID) {
                throw new IllegalArgumentException("LSTYPE " + type + " is a recognized type");
            }
            value = Checks.maxLength(value, 255, "LSPEC");
        }

        @Override
        public byte[] value() {
            return value.clone();
        }

        @Override
        public int length() {
            return value.length;
        }

        @Override
        public void writeValue(ByteBuf out) {
            out.writeBytes(value);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Unrecognized other && type == other.type && Arrays.equals(value, other.value);
        }

        @Override
        public int hashCode() {
            return type * 31 + Arrays.hashCode(value);
        }

        @Override
        public String toString() {
            return "Unrecognized[type=" + type + ", " + Checks.hex(value) + "]";
        }
    }
}
