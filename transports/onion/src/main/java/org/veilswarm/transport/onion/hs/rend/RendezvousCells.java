package org.veilswarm.transport.onion.hs.rend;

import java.util.Arrays;
import org.veilswarm.transport.onion.cell.RelayCommand;
import org.veilswarm.transport.onion.cell.UnparsedRelayMessage;

/**
 * The fixed-size rendezvous cells (rend-spec-v3 §3.3, §3.4): ESTABLISH_RENDEZVOUS (RENDEZVOUS_COOKIE
 * [20]), RENDEZVOUS_ESTABLISHED (empty), RENDEZVOUS1 (RENDEZVOUS_COOKIE [20] | HANDSHAKE_INFO [64]) and
 * RENDEZVOUS2 (HANDSHAKE_INFO [64]). Decoders refuse any other length.
 */
public final class RendezvousCells {
    public static final int COOKIE_LEN = IntroducePlaintext.COOKIE_LEN;

    private RendezvousCells() {
    }

    public static UnparsedRelayMessage establishRendezvous(byte[] cookie) {
        return new UnparsedRelayMessage(RelayCommand.ESTABLISH_RENDEZVOUS.code(), check(cookie, COOKIE_LEN, "cookie"));
    }

    /** @return the cookie */
    public static byte[] decodeEstablishRendezvous(byte[] body) throws RendCellException {
        return exact("ESTABLISH_RENDEZVOUS", body, COOKIE_LEN);
    }

    public static UnparsedRelayMessage rendezvousEstablished() {
        return new UnparsedRelayMessage(RelayCommand.RENDEZVOUS_ESTABLISHED.code(), new byte[0]);
    }

    public static void decodeRendezvousEstablished(byte[] body) throws RendCellException {
        exact("RENDEZVOUS_ESTABLISHED", body, 0);
    }

    public static UnparsedRelayMessage rendezvous1(byte[] cookie, byte[] handshakeInfo) {
        return new UnparsedRelayMessage(RelayCommand.RENDEZVOUS1.code(), HsNtor.concat(check(cookie, COOKIE_LEN, "cookie"),
                check(handshakeInfo, HsNtor.HANDSHAKE_INFO_LEN, "HANDSHAKE_INFO")));
    }

    /** @return {cookie, HANDSHAKE_INFO} */
    public static byte[][] decodeRendezvous1(byte[] body) throws RendCellException {
        exact("RENDEZVOUS1", body, COOKIE_LEN + HsNtor.HANDSHAKE_INFO_LEN);
        return new byte[][] {Arrays.copyOf(body, COOKIE_LEN), Arrays.copyOfRange(body, COOKIE_LEN, body.length)};
    }

    public static UnparsedRelayMessage rendezvous2(byte[] handshakeInfo) {
        return new UnparsedRelayMessage(RelayCommand.RENDEZVOUS2.code(),
                check(handshakeInfo, HsNtor.HANDSHAKE_INFO_LEN, "HANDSHAKE_INFO"));
    }

    /** @return HANDSHAKE_INFO */
    public static byte[] decodeRendezvous2(byte[] body) throws RendCellException {
        return exact("RENDEZVOUS2", body, HsNtor.HANDSHAKE_INFO_LEN);
    }

    private static byte[] check(byte[] value, int length, String what) {
        if (value.length != length) {
            throw new IllegalArgumentException(what + " must be " + length + " bytes, got " + value.length);
        }
        return value.clone();
    }

    private static byte[] exact(String cell, byte[] body, int length) throws RendCellException {
        if (body.length != length) {
            throw new RendCellException(cell + ": body of " + body.length + " bytes, must be " + length);
        }
        return body.clone();
    }
}
