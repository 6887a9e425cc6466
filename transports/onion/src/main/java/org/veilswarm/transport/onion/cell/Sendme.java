package org.veilswarm.transport.onion.cell;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.Optional;
import org.veilswarm.transport.onion.cell.CellFormatException.Defect;

/**
 * RELAY_SENDME: flow control. Circuit-level SENDMEs (StreamID 0) carry VERSION [1], DATA_LEN [2],
 * DATA [DATA_LEN]; version 1 ("authenticated SENDME") carries the 20-byte running digest of the cell
 * that triggered it, which the receiver MUST match against the one it remembered. Version 0 (and an
 * empty body) carries nothing. Stream-level SENDMEs "are still empty; the body still SHOULD be
 * ignored".
 *
 * <p>Decoding: an unknown version, or version 1 with DATA_LEN &lt; 20, is circuit-fatal ("the circuit
 * should be torn down" / "the cell should be dropped and the circuit closed"). Version 0 is encoded
 * as an empty body.
 *
 * @see <a href="https://spec.torproject.org/tor-spec/flow-control.html">tor-spec §7.3 Circuit-level flow control, §7.3.1 SENDME Cell Format, §7.4</a>
 */
public final class Sendme implements RelayMessage {
    /** SENDME v1 digest length ("DIGEST [20 bytes]"). */
    public static final int DIGEST_LEN = 20;
    /** A version 0 / stream-level SENDME. */
    public static final Sendme UNAUTHENTICATED = new Sendme(null);

    private final byte[] digest;

    private Sendme(byte[] digest) {
        this.digest = digest;
    }

    /** An authenticated (version 1) SENDME for the cell whose running digest is {@code digest}. */
    public static Sendme authenticated(byte[] digest) {
        return new Sendme(Checks.exactLength(digest, DIGEST_LEN, "SENDME digest"));
    }

    /** 1 if authenticated, else 0. */
    public int version() {
        return digest == null ? 0 : 1;
    }

    /** The v1 digest, if any. */
    public Optional<byte[]> digest() {
        return Optional.ofNullable(digest).map(byte[]::clone);
    }

    @Override
    public int commandCode() {
        return RelayCommand.SENDME.code();
    }

    static Sendme decode(BodyReader in, int streamId) {
        if (streamId != 0 || in.remaining() == 0) {
            in.skipRest();
            return UNAUTHENTICATED;
        }
        int version = in.u8("VERSION");
        switch (version) {
            case 0 -> {
                in.skipRest();
                return UNAUTHENTICATED;
            }
            case 1 -> {
                int length = in.u16("DATA_LEN");
                if (length < DIGEST_LEN) {
                    throw in.error(Defect.LENGTH_OUT_OF_RANGE, "v1 DATA_LEN " + length + " < " + DIGEST_LEN);
                }
                byte[] digest = in.bytes(DIGEST_LEN, "DIGEST");
                in.skip(length - DIGEST_LEN, "DATA");
                in.skipRest();
                return new Sendme(digest);
            }
            default -> throw in.error(Defect.UNSUPPORTED_VERSION, "SENDME version " + version);
        }
    }

    void encodeBody(ByteBuf out) {
        if (digest != null) {
            out.writeByte(1).writeShort(DIGEST_LEN).writeBytes(digest);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Sendme other && Arrays.equals(digest, other.digest);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(digest);
    }

    @Override
    public String toString() {
        return digest == null ? "Sendme[v0]" : "Sendme[v1, " + Checks.hex(digest) + "]";
    }
}
