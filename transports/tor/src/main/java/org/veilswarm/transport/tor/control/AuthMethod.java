package org.veilswarm.transport.tor.control;

/** Authentication methods PROTOCOLINFO may list (control-spec §3.21), in the order we prefer them. */
public enum AuthMethod {
    /** HMAC challenge-response over the cookie (§3.24): proves both sides know it without sending it. */
    SAFECOOKIE,
    /** The 32-byte cookie file's contents, hex-encoded. */
    COOKIE,
    /** A password tor knows by its HashedControlPassword. */
    HASHEDPASSWORD,
    /** No authentication configured. */
    NULL
}
