package org.veilswarm.transport.onion.cell;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import org.veilswarm.transport.onion.cell.CellFormatException.Scope;

/**
 * AUTHENTICATE: AuthType [2], AuthLen [2], Authentication [AuthLen]. "Responders MUST ignore extra
 * bytes at the end of an AUTHENTICATE cell." The Authentication field's structure (tor-spec §4.4.2,
 * "AUTH0003") is the link handshake's business.
 *
 * @see <a href="https://spec.torproject.org/tor-spec/negotiating-channels.html">tor-spec §4.4 AUTHENTICATE cells</a>
 */
public final class Authenticate implements Cell {
    private final int authType;
    private final byte[] authentication;

    public Authenticate(int authType, byte[] authentication) {
        this.authType = Checks.unsigned(authType, 16, "AuthType");
        this.authentication = Checks.maxLength(authentication, CellFormat.MAX_VAR_PAYLOAD_LEN - 4, "Authentication");
    }

    public int authType() {
        return authType;
    }

    public byte[] authentication() {
        return authentication.clone();
    }

    @Override
    public int circuitId() {
        return 0;
    }

    @Override
    public CellCommand command() {
        return CellCommand.AUTHENTICATE;
    }

    static Authenticate decode(ByteBuf body) {
        BodyReader in = BodyReader.forCell(body, Scope.LINK, CellCommand.AUTHENTICATE.code(), 0);
        int type = in.u16("AuthType");
        int length = in.u16("AuthLen");
        byte[] authentication = in.bytes(length, "Authentication");
        in.skipRest();
        return new Authenticate(type, authentication);
    }

    void encodeBody(ByteBuf out) {
        out.writeShort(authType);
        out.writeShort(authentication.length);
        out.writeBytes(authentication);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Authenticate other && authType == other.authType
                && Arrays.equals(authentication, other.authentication);
    }

    @Override
    public int hashCode() {
        return 31 * authType + Arrays.hashCode(authentication);
    }

    @Override
    public String toString() {
        return "Authenticate[type=" + authType + ", " + Checks.shortHex(authentication) + "]";
    }
}
