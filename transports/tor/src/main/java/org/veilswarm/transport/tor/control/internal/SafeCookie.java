package org.veilswarm.transport.tor.control.internal;

import java.nio.charset.StandardCharsets;
import org.veilswarm.crypto.ConstantTime;
import org.veilswarm.crypto.Hmac;

/**
 * The SAFECOOKIE hashes of control-spec §3.24 (AUTHCHALLENGE):
 * <pre>
 * ServerHash = HMAC-SHA256("Tor safe cookie authentication server-to-controller hash", CookieString | ClientNonce | ServerNonce)
 * ClientHash = HMAC-SHA256("Tor safe cookie authentication controller-to-server hash", CookieString | ClientNonce | ServerNonce)
 * </pre>
 */
public final class SafeCookie {
    static final byte[] SERVER_KEY = "Tor safe cookie authentication server-to-controller hash".getBytes(StandardCharsets.US_ASCII);
    static final byte[] CLIENT_KEY = "Tor safe cookie authentication controller-to-server hash".getBytes(StandardCharsets.US_ASCII);

    /** Cookie files and nonces are 32 bytes (§3.24 "ClientNonce ... 32 bytes", CookieAuthFile). */
    public static final int COOKIE_LENGTH = 32;
    public static final int NONCE_LENGTH = 32;

    private SafeCookie() {
    }

    /** Whether tor's ServerHash proves it knows the same cookie; constant time, as the hash is secret-derived. */
    public static boolean serverHashMatches(byte[] cookie, byte[] clientNonce, byte[] serverNonce, byte[] serverHash) {
        return ConstantTime.equals(Hmac.sha256(SERVER_KEY, cookie, clientNonce, serverNonce), serverHash);
    }

    public static byte[] clientHash(byte[] cookie, byte[] clientNonce, byte[] serverNonce) {
        return Hmac.sha256(CLIENT_KEY, cookie, clientNonce, serverNonce);
    }
}
