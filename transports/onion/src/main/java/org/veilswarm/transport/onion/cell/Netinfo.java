package org.veilswarm.transport.onion.cell;

import io.netty.buffer.ByteBuf;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.veilswarm.transport.onion.cell.CellFormatException.Scope;

/**
 * NETINFO: TIME [4], OTHERADDR (ATYPE [1], ALEN [1], AVAL), NMYADDR [1], NMYADDR addresses. Addresses
 * of unknown type or wrong length "should be ignored", and so is an all-zero OTHERADDR; extra bytes at
 * the end are ignored. "Clients SHOULD send "0" as their timestamp."
 *
 * @see <a href="https://spec.torproject.org/tor-spec/negotiating-channels.html">tor-spec §4.5 NETINFO cells</a>
 */
public final class Netinfo implements Cell {
    private final long time;
    private final InetAddress otherAddress;
    private final List<InetAddress> myAddresses;

    /**
     * @param time seconds since the Unix epoch, unsigned 32 bits (0 from clients)
     * @param otherAddress the peer's address as seen from here, or {@code null}
     * @param myAddresses this side's own addresses (empty for clients)
     */
    public Netinfo(long time, InetAddress otherAddress, List<InetAddress> myAddresses) {
        if (time < 0 || time > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("TIME must fit in 32 unsigned bits, got " + time);
        }
        this.time = time;
        this.otherAddress = otherAddress;
        this.myAddresses = List.copyOf(myAddresses);
        int length = 4 + 2 + (otherAddress == null ? 4 : otherAddress.getAddress().length) + 1;
        for (InetAddress address : this.myAddresses) {
            length += 2 + address.getAddress().length;
        }
        if (this.myAddresses.size() > 255 || length > CellFormat.PAYLOAD_LEN) {
            throw new IllegalArgumentException("too many addresses for one NETINFO cell");
        }
    }

    public long time() {
        return time;
    }

    public Optional<InetAddress> otherAddress() {
        return Optional.ofNullable(otherAddress);
    }

    public List<InetAddress> myAddresses() {
        return myAddresses;
    }

    @Override
    public int circuitId() {
        return 0;
    }

    @Override
    public CellCommand command() {
        return CellCommand.NETINFO;
    }

    static Netinfo decode(ByteBuf body) {
        BodyReader in = BodyReader.forCell(body, Scope.LINK, CellCommand.NETINFO.code(), 0);
        long time = in.u32("TIME");
        InetAddress other = readAddress(in);
        if (other != null && Addresses.isUnspecified(other)) {
            other = null;
        }
        int count = in.u8("NMYADDR");
        List<InetAddress> mine = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            InetAddress address = readAddress(in);
            if (address != null) {
                mine.add(address);
            }
        }
        in.skipRest();
        return new Netinfo(time, other, mine);
    }

    /** One ATYPE/ALEN/AVAL; {@code null} for a type or length this spec says to ignore. */
    private static InetAddress readAddress(BodyReader in) {
        int type = in.u8("ATYPE");
        int length = in.u8("ALEN");
        byte[] value = in.bytes(length, "AVAL");
        boolean valid = type == Addresses.IPV4 && length == 4 || type == Addresses.IPV6 && length == 16;
        return valid ? Addresses.fromBytes(value) : null;
    }

    void encodeBody(ByteBuf out) {
        out.writeInt((int) time);
        if (otherAddress == null) {
            // "No address" is sent as the all-zero IPv4 address, which receivers ignore.
            out.writeByte(Addresses.IPV4).writeByte(4).writeInt(0);
        } else {
            Addresses.writeTyped(out, otherAddress);
        }
        out.writeByte(myAddresses.size());
        for (InetAddress address : myAddresses) {
            Addresses.writeTyped(out, address);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Netinfo other && time == other.time && Objects.equals(otherAddress, other.otherAddress)
                && myAddresses.equals(other.myAddresses);
    }

    @Override
    public int hashCode() {
        return Objects.hash(time, otherAddress, myAddresses);
    }

    @Override
    public String toString() {
        return "Netinfo[time=" + time + ", other=" + Addresses.text(otherAddress) + ", mine="
                + myAddresses.stream().map(Addresses::text).toList() + "]";
    }
}
