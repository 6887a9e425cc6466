package org.veilswarm.transport.onion.cell;

import io.netty.buffer.ByteBuf;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.veilswarm.transport.onion.cell.CellFormatException.Defect;

/**
 * RELAY_EXTEND2: extend the circuit by one hop. NSPEC [1], NSPEC link specifiers, HTYPE [2], HLEN [2],
 * HDATA [HLEN]; the extending relay turns HTYPE/HLEN/HDATA into a CREATE2 cell (tor-spec §5.3).
 * Nodes "SHOULD reject link specifier lists that include multiple instances" of the identity
 * specifiers: such a cell is circuit-fatal here, as are wrong-length recognized specifiers. Bytes
 * after HDATA are ignored. Clients send it in RELAY_EARLY (tor-spec §5.6).
 *
 * @see <a href="https://spec.torproject.org/tor-spec/create-created-cells.html">tor-spec §5.1.2 EXTEND and EXTENDED cells</a>
 */
public final class Extend2 implements RelayMessage {
    private final List<LinkSpecifier> linkSpecifiers;
    private final int handshakeType;
    private final byte[] handshakeData;

    public Extend2(List<LinkSpecifier> linkSpecifiers, int handshakeType, byte[] handshakeData) {
        this.linkSpecifiers = List.copyOf(linkSpecifiers);
        this.handshakeType = Checks.unsigned(handshakeType, 16, "HTYPE");
        this.handshakeData = Objects.requireNonNull(handshakeData, "handshakeData").clone();
        if (this.linkSpecifiers.size() > 255) {
            throw new IllegalArgumentException("at most 255 link specifiers");
        }
        String duplicate = duplicateIdentity(this.linkSpecifiers);
        if (duplicate != null) {
            throw new IllegalArgumentException(duplicate);
        }
        int length = 1 + 4 + this.handshakeData.length;
        for (LinkSpecifier specifier : this.linkSpecifiers) {
            length += 2 + specifier.length();
        }
        if (length > CellFormat.RELAY_BODY_MAX_LEN) {
            throw new IllegalArgumentException("EXTEND2 body of " + length + " bytes does not fit in a relay cell");
        }
    }

    public List<LinkSpecifier> linkSpecifiers() {
        return linkSpecifiers;
    }

    /** HTYPE, see {@link HandshakeType}. */
    public int handshakeType() {
        return handshakeType;
    }

    public byte[] handshakeData() {
        return handshakeData.clone();
    }

    @Override
    public int commandCode() {
        return RelayCommand.EXTEND2.code();
    }

    private static String duplicateIdentity(List<LinkSpecifier> specifiers) {
        long legacy = specifiers.stream().filter(s -> s instanceof LinkSpecifier.LegacyId).count();
        long ed25519 = specifiers.stream().filter(s -> s instanceof LinkSpecifier.Ed25519Id).count();
        if (legacy > 1) {
            return "legacy identity link specifier " + legacy + " times";
        }
        if (ed25519 > 1) {
            return "Ed25519 identity link specifier " + ed25519 + " times";
        }
        return null;
    }

    static Extend2 decode(BodyReader in) {
        int count = in.u8("NSPEC");
        List<LinkSpecifier> specifiers = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            specifiers.add(readLinkSpecifier(in));
        }
        String duplicate = duplicateIdentity(specifiers);
        if (duplicate != null) {
            throw in.error(Defect.DUPLICATE, duplicate);
        }
        int type = in.u16("HTYPE");
        int length = in.u16("HLEN");
        byte[] data = in.bytes(length, "HDATA");
        in.skipRest();
        return new Extend2(specifiers, type, data);
    }

    /** LSTYPE [1], LSLEN [1], LSPEC [LSLEN]. */
    private static LinkSpecifier readLinkSpecifier(BodyReader in) {
        int type = in.u8("LSTYPE");
        int length = in.u8("LSLEN");
        byte[] value = in.bytes(length, "LSPEC");
        int expected = switch (type) {
            case LinkSpecifier.TYPE_IPV4 -> 6;
            case LinkSpecifier.TYPE_IPV6 -> 18;
            case LinkSpecifier.TYPE_LEGACY_ID -> LinkSpecifier.LegacyId.LENGTH;
            case LinkSpecifier.TYPE_ED25519_ID -> LinkSpecifier.Ed25519Id.LENGTH;
            default -> -1;
        };
        if (expected < 0) {
            return new LinkSpecifier.Unrecognized(type, value);
        }
        if (length != expected) {
            throw in.error(Defect.BAD_LINK_SPECIFIER, "LSTYPE " + type + " needs LSLEN " + expected + ", got " + length);
        }
        return switch (type) {
            case LinkSpecifier.TYPE_IPV4 -> new LinkSpecifier.Ipv4(
                    (Inet4Address) Addresses.fromBytes(Arrays.copyOf(value, 4)), port(value, 4));
            case LinkSpecifier.TYPE_IPV6 -> new LinkSpecifier.Ipv6(
                    (Inet6Address) Addresses.fromBytes(Arrays.copyOf(value, 16)), port(value, 16));
            case LinkSpecifier.TYPE_LEGACY_ID -> new LinkSpecifier.LegacyId(value);
            default -> new LinkSpecifier.Ed25519Id(value);
        };
    }

    private static int port(byte[] value, int offset) {
        return (value[offset] & 0xFF) << 8 | value[offset + 1] & 0xFF;
    }

    void encodeBody(ByteBuf out) {
        out.writeByte(linkSpecifiers.size());
        for (LinkSpecifier specifier : linkSpecifiers) {
            out.writeByte(specifier.type()).writeByte(specifier.length());
            specifier.writeValue(out);
        }
        out.writeShort(handshakeType).writeShort(handshakeData.length).writeBytes(handshakeData);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Extend2 other && linkSpecifiers.equals(other.linkSpecifiers)
                && handshakeType == other.handshakeType && Arrays.equals(handshakeData, other.handshakeData);
    }

    @Override
    public int hashCode() {
        return (linkSpecifiers.hashCode() * 31 + handshakeType) * 31 + Arrays.hashCode(handshakeData);
    }

    @Override
    public String toString() {
        return "Extend2[" + linkSpecifiers + ", htype=" + handshakeType + ", " + Checks.shortHex(handshakeData) + "]";
    }
}
