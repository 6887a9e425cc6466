package org.veilswarm.transport.onion.cell;

import io.netty.buffer.ByteBuf;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;
import org.veilswarm.transport.onion.cell.CellFormatException.Defect;

/**
 * RELAY_CONNECTED: the stream is open. The body is empty (BEGIN_DIR, onion services), or the IPv4
 * address connected to [4] and a TTL [4], or four zero bytes, address type 6 [1], the IPv6 address [16]
 * and a TTL [4]. Bytes after these are ignored.
 *
 * @see <a href="https://spec.torproject.org/tor-spec/opening-streams.html">tor-spec §6.2 Opening streams and transferring data</a>
 */
public final class Connected implements RelayMessage {
    /** The empty CONNECTED that onion services and directory streams answer with. */
    public static final Connected EMPTY = new Connected(null, 0);

    private final InetAddress address;
    private final long ttl;

    /**
     * @param address the address connected to, or {@code null} for an empty body
     * @param ttl seconds the address may be cached, unsigned 32 bits (ignored without an address)
     */
    public Connected(InetAddress address, long ttl) {
        if (ttl < 0 || ttl > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("TTL must fit in 32 unsigned bits, got " + ttl);
        }
        if (address instanceof Inet4Address && address.isAnyLocalAddress()) {
            throw new IllegalArgumentException("0.0.0.0 cannot be sent: four zero bytes announce an IPv6 address");
        }
        this.address = address;
        this.ttl = address == null ? 0 : ttl;
    }

    public Optional<InetAddress> address() {
        return Optional.ofNullable(address);
    }

    public long ttl() {
        return ttl;
    }

    @Override
    public int commandCode() {
        return RelayCommand.CONNECTED.code();
    }

    static Connected decode(BodyReader in) {
        if (in.remaining() == 0) {
            return EMPTY;
        }
        byte[] first = in.bytes(4, "IPv4 address");
        InetAddress address;
        if ((first[0] | first[1] | first[2] | first[3]) != 0) {
            address = Addresses.fromBytes(first);
        } else {
            int type = in.u8("address type");
            if (type != Addresses.IPV6) {
                throw in.error(Defect.BAD_ADDRESS, "address type " + type + " after four zero bytes, expected 6");
            }
            address = Addresses.fromBytes(in.bytes(16, "IPv6 address"));
        }
        long ttl = in.u32("TTL");
        in.skipRest();
        return new Connected(address, ttl);
    }

    void encodeBody(ByteBuf out) {
        if (address == null) {
            return;
        }
        if (Addresses.type(address) == Addresses.IPV6) {
            out.writeInt(0).writeByte(Addresses.IPV6);
        }
        out.writeBytes(address.getAddress()).writeInt((int) ttl);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Connected other && Objects.equals(address, other.address) && ttl == other.ttl;
    }

    @Override
    public int hashCode() {
        return Objects.hash(address, ttl);
    }

    @Override
    public String toString() {
        return address == null ? "Connected[]" : "Connected[" + Addresses.text(address) + ", ttl=" + ttl + "]";
    }
}
