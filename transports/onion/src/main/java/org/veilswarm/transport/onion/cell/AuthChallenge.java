package org.veilswarm.transport.onion.cell;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.List;
import org.veilswarm.transport.onion.cell.CellFormatException.Scope;

/**
 * AUTH_CHALLENGE: Challenge [32], N_Methods [2], Methods [2 * N_Methods]. "Initiators MUST ignore
 * unexpected bytes at the end of the cell."
 *
 * @see <a href="https://spec.torproject.org/tor-spec/negotiating-channels.html">tor-spec §4.3 AUTH_CHALLENGE cells</a>
 */
public final class AuthChallenge implements Cell {
    public static final int CHALLENGE_LEN = 32;
    /** AuthType 1, RSA-SHA256-TLSSecret (tor-spec §4.4.1). */
    public static final int RSA_SHA256_TLSSECRET = 1;
    /** AuthType 3, Ed25519-SHA256-RFC5705 (tor-spec §4.4.2). */
    public static final int ED25519_SHA256_RFC5705 = 3;

    private final byte[] challenge;
    private final int[] methods;

    public AuthChallenge(byte[] challenge, List<Integer> methods) {
        this.challenge = Checks.exactLength(challenge, CHALLENGE_LEN, "challenge");
        if (methods.size() > (CellFormat.MAX_VAR_PAYLOAD_LEN - CHALLENGE_LEN - 2) / 2) {
            throw new IllegalArgumentException("too many methods for one cell: " + methods.size());
        }
        this.methods = methods.stream().mapToInt(m -> Checks.unsigned(m, 16, "method")).toArray();
    }

    public byte[] challenge() {
        return challenge.clone();
    }

    public List<Integer> methods() {
        return Arrays.stream(methods).boxed().toList();
    }

    @Override
    public int circuitId() {
        return 0;
    }

    @Override
    public CellCommand command() {
        return CellCommand.AUTH_CHALLENGE;
    }

    static AuthChallenge decode(ByteBuf body) {
        BodyReader in = BodyReader.forCell(body, Scope.LINK, CellCommand.AUTH_CHALLENGE.code(), 0);
        byte[] challenge = in.bytes(CHALLENGE_LEN, "Challenge");
        int count = in.u16("N_Methods");
        Integer[] methods = new Integer[count];
        for (int i = 0; i < count; i++) {
            methods[i] = in.u16("Method");
        }
        in.skipRest();
        return new AuthChallenge(challenge, Arrays.asList(methods));
    }

    void encodeBody(ByteBuf out) {
        out.writeBytes(challenge);
        out.writeShort(methods.length);
        for (int method : methods) {
            out.writeShort(method);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AuthChallenge other && Arrays.equals(challenge, other.challenge)
                && Arrays.equals(methods, other.methods);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(challenge) + Arrays.hashCode(methods);
    }

    @Override
    public String toString() {
        return "AuthChallenge[" + Checks.hex(challenge) + ", methods=" + Arrays.toString(methods) + "]";
    }
}
