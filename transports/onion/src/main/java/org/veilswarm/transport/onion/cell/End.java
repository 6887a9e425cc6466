package org.veilswarm.transport.onion.cell;

import io.netty.buffer.ByteBuf;
import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * RELAY_END: the stream is closed. Reason [1]; for REASON_EXITPOLICY also an IPv4 or IPv6 address [4 or
 * 16] and a TTL [4]. Read leniently, as tor-spec asks: an empty body means REASON_MISC; a missing TTL
 * means 0xffffffff; an absent or wrong-length address is ignored.
 *
 * @see <a href="https://spec.torproject.org/tor-spec/closing-streams.html">tor-spec §6.3 Closing streams</a>
 */
public final class End implements RelayMessage {
    private final int reasonCode;
    private final InetAddress address;
    private final long ttl;

    public End(EndReason reason) {
        this(reason.code());
    }

    public End(int reasonCode) {
        this(reasonCode, null, 0);
    }

    /** A REASON_EXITPOLICY end naming the refused address. */
    public static End exitPolicy(InetAddress address, long ttl) {
        return new End(EndReason.EXITPOLICY.code(), Objects.requireNonNull(address, "address"), ttl);
    }

    private End(int reasonCode, InetAddress address, long ttl) {
        this.reasonCode = Checks.unsigned(reasonCode, 8, "reason");
        if (ttl < 0 || ttl > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("TTL must fit in 32 unsigned bits, got " + ttl);
        }
        this.address = address;
        this.ttl = address == null ? 0 : ttl;
    }

    public int reasonCode() {
        return reasonCode;
    }

    /** The reason, empty for a code tor-spec does not list. */
    public Optional<EndReason> reason() {
        return EndReason.fromCode(reasonCode);
    }

    /** The refused address of a REASON_EXITPOLICY end, if given. */
    public Optional<InetAddress> address() {
        return Optional.ofNullable(address);
    }

    public long ttl() {
        return ttl;
    }

    @Override
    public int commandCode() {
        return RelayCommand.END.code();
    }

    static End decode(BodyReader in) {
        if (in.remaining() == 0) {
            return new End(EndReason.MISC);
        }
        int reason = in.u8("reason");
        if (reason != EndReason.EXITPOLICY.code()) {
            in.skipRest();
            return new End(reason);
        }
        int rest = in.remaining();
        int addressLength = rest == 4 || rest == 8 ? 4 : rest == 16 || rest == 20 ? 16 : 0;
        if (addressLength == 0) {
            in.skipRest();
            return new End(reason);
        }
        InetAddress address = Addresses.fromBytes(in.bytes(addressLength, "address"));
        long ttl = in.remaining() >= 4 ? in.u32("TTL") : 0xFFFFFFFFL;
        return new End(reason, address, ttl);
    }

    void encodeBody(ByteBuf out) {
        out.writeByte(reasonCode);
        if (address != null) {
            out.writeBytes(address.getAddress()).writeInt((int) ttl);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof End other && reasonCode == other.reasonCode && Objects.equals(address, other.address)
                && ttl == other.ttl;
    }

    @Override
    public int hashCode() {
        return Objects.hash(reasonCode, address, ttl);
    }

    @Override
    public String toString() {
        return "End[" + reason().map(Enum::name).orElse(Integer.toString(reasonCode))
                + (address != null ? ", " + Addresses.text(address) + ", ttl=" + ttl : "") + "]";
    }
}
