package org.veilswarm.transport.onion.cell;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.veilswarm.transport.onion.cell.CellFormatException.Defect;

/**
 * RELAY_BEGIN: open a stream to ADDRPORT ("ADDRESS:PORT" and a NUL), then optional FLAGS [4]. ADDRESS
 * is a hostname, a dotted-quad IPv4 address or a bracketed IPv6 address; PORT is decimal, 1..65535.
 * Zero flags are left out when encoding, as tor does. ADDRESS may be empty: a client opening a stream
 * to an onion service sends only ":PORT" (C tor does; the service is the circuit's other end, rend-spec-v3
 * §4, so there is nothing to name), and the port is the service's virtual port.
 *
 * @see <a href="https://spec.torproject.org/tor-spec/opening-streams.html">tor-spec §6.2 Opening streams and transferring data</a>
 */
public final class Begin implements RelayMessage {
    /** Bit 1: "IPv6 okay". */
    public static final int FLAG_IPV6_OK = 1;
    /** Bit 2: "IPv4 not okay". */
    public static final int FLAG_IPV4_NOT_OK = 1 << 1;
    /** Bit 3: "IPv6 preferred". */
    public static final int FLAG_IPV6_PREFERRED = 1 << 2;

    private final String address;
    private final int port;
    private final int flags;

    /**
     * @param address hostname or IP address, without brackets (IPv6 addresses get them on the wire), or
     *     empty for a stream to the onion service at the circuit's end
     * @param port 1..65535
     * @param flags FLAGS as a 32-bit value (bit 1 = LSB)
     */
    public Begin(String address, int port, int flags) {
        Objects.requireNonNull(address, "address");
        String problem = addressProblem(address);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1..65535, got " + port);
        }
        this.address = address;
        this.port = port;
        this.flags = flags;
        if (encodedLength() > CellFormat.RELAY_BODY_MAX_LEN) {
            throw new IllegalArgumentException("address too long for one relay cell: " + address.length());
        }
    }

    public String address() {
        return address;
    }

    public int port() {
        return port;
    }

    public int flags() {
        return flags;
    }

    @Override
    public int commandCode() {
        return RelayCommand.BEGIN.code();
    }

    private int encodedLength() {
        return addrPort().length() + 1 + (flags != 0 ? 4 : 0);
    }

    private String addrPort() {
        return (address.indexOf(':') >= 0 ? "[" + address + "]" : address) + ":" + port;
    }

    /** Null if the address can appear in ADDRPORT (empty included: ":PORT"), else what is wrong with it. */
    private static String addressProblem(String address) {
        for (int i = 0; i < address.length(); i++) {
            char c = address.charAt(i);
            if (c <= 0x20 || c >= 0x7F || c == '[' || c == ']') {
                return "address must be printable ASCII without brackets: " + address;
            }
        }
        return null;
    }

    static Begin decode(BodyReader in) {
        int length = in.bytesBeforeNul();
        if (length < 0) {
            throw in.error(Defect.TRUNCATED, "ADDRPORT has no NUL terminator");
        }
        byte[] raw = in.bytes(length, "ADDRPORT");
        in.skip(1, "NUL");
        for (byte b : raw) {
            if (b < 0x21 || b > 0x7E) {
                throw in.error(Defect.BAD_ADDRESS, "ADDRPORT is not printable ASCII");
            }
        }
        String addrPort = new String(raw, StandardCharsets.US_ASCII);
        int colon = addrPort.lastIndexOf(':');
        if (colon < 0) {
            throw in.error(Defect.BAD_ADDRESS, "ADDRPORT has no port");
        }
        String host = addrPort.substring(0, colon);
        String portText = addrPort.substring(colon + 1);
        if (host.startsWith("[") && host.endsWith("]") && host.length() > 2) {
            host = host.substring(1, host.length() - 1);
            if (host.indexOf(':') < 0) {
                throw in.error(Defect.BAD_ADDRESS, "brackets around an address that is not IPv6");
            }
        } else if (host.indexOf(':') >= 0) {
            throw in.error(Defect.BAD_ADDRESS, "an IPv6 address must be in brackets");
        }
        int port = parsePort(portText);
        if (port < 0 || addressProblem(host) != null) {
            throw in.error(Defect.BAD_ADDRESS, "bad ADDRPORT \"" + addrPort + "\"");
        }
        // FLAGS may be absent (older senders); anything after it is ignored.
        int flags = in.remaining() >= 4 ? (int) in.u32("FLAGS") : 0;
        in.skipRest();
        return new Begin(host, port, flags);
    }

    private static int parsePort(String text) {
        if (text.isEmpty() || text.length() > 5) {
            return -1;
        }
        int port = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            port = port * 10 + (c - '0');
        }
        return port >= 1 && port <= 65535 ? port : -1;
    }

    void encodeBody(ByteBuf out) {
        out.writeCharSequence(addrPort(), StandardCharsets.US_ASCII);
        out.writeByte(0);
        if (flags != 0) {
            out.writeInt(flags);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Begin other && address.equals(other.address) && port == other.port
                && flags == other.flags;
    }

    @Override
    public int hashCode() {
        return Objects.hash(address, port, flags);
    }

    @Override
    public String toString() {
        return "Begin[" + addrPort() + ", flags=" + flags + "]";
    }
}
