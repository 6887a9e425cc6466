package org.veilswarm.peerwire;

/**
 * The eight reserved bytes of the handshake (BEP 3) as a big-endian long: bit {@code n} from the right
 * is {@code 1L << n}.
 */
public record ReservedBits(long bits) {

    /** BEP 10: "bit 20 from the right", i.e. reserved byte 5, mask 0x10. */
    public static final long EXTENSION_PROTOCOL = 1L << 20;
    /** BEP 6: reserved byte 7, mask 0x04. */
    public static final long FAST = 0x04;
    /** BEP 5: reserved byte 7, mask 0x01. Veilswarm has no DHT and never sets it. */
    public static final long DHT = 0x01;
    /** BEP 52 "Upgrade path": reserved byte 7, mask 0x10, the sender supports v2. */
    public static final long V2_UPGRADE = 0x10;

    public static final ReservedBits NONE = new ReservedBits(0);

    /** What Veilswarm sends: extension protocol and fast extension, plus v2 when asked. */
    public static ReservedBits ours(boolean v2) {
        return new ReservedBits(EXTENSION_PROTOCOL | FAST | (v2 ? V2_UPGRADE : 0));
    }

    public boolean has(long mask) {
        return (bits & mask) == mask;
    }

    public ReservedBits with(long mask) {
        return new ReservedBits(bits | mask);
    }

    public ReservedBits without(long mask) {
        return new ReservedBits(bits & ~mask);
    }

    public boolean extensionProtocol() {
        return has(EXTENSION_PROTOCOL);
    }

    public boolean fast() {
        return has(FAST);
    }

    public boolean v2Upgrade() {
        return has(V2_UPGRADE);
    }

    @Override
    public String toString() {
        return String.format("%016x", bits);
    }
}
