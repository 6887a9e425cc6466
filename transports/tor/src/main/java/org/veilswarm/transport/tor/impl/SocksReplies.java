package org.veilswarm.transport.tor.impl;

import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.api.transport.TransportException;
import org.veilswarm.api.transport.TransportException.Reason;

/**
 * SOCKS5 reply codes from tor as {@link TransportException}s. 0x01-0x08 are RFC 1928 §6; 0xF0-0xF7 are
 * tor's extended onion-service errors, sent only on a SocksPort with the {@code ExtendedErrors} flag
 * (proposal 304; tor-manual, SocksPort "ExtendedErrors"). Without that flag tor reports a missing
 * descriptor as 0x04 (host unreachable).
 */
final class SocksReplies {
    private SocksReplies() {
    }

    static TransportException failure(int code, TransportAddress to) {
        String target = to.toString();
        return switch (code) {
            case 0x01 -> new TransportException(Reason.OTHER, "tor: general failure connecting to " + target + " (SOCKS 0x01)");
            case 0x02 -> new TransportException(Reason.REFUSED, "tor: connection to " + target + " not allowed by tor's policy (SOCKS 0x02)");
            case 0x03 -> new TransportException(Reason.NOT_FOUND, "tor: network unreachable for " + target + " (SOCKS 0x03)");
            case 0x04 -> new TransportException(Reason.NOT_FOUND, "tor: " + target + " unreachable; for an onion service: no descriptor"
                    + " published yet or the service is offline (SOCKS 0x04)");
            case 0x05 -> new TransportException(Reason.REFUSED, "tor: " + target + " refused the stream; the onion service has no"
                    + " listener on that port (SOCKS 0x05)");
            case 0x06 -> new TransportException(Reason.TIMEOUT, "tor: timed out connecting to " + target + " (SOCKS 0x06, TTL expired)");
            case 0x07 -> new TransportException(Reason.PROTOCOL, "tor: SOCKS command not supported (SOCKS 0x07)");
            case 0x08 -> new TransportException(Reason.UNSUPPORTED_ADDRESS, "tor: address type not supported for " + target + " (SOCKS 0x08)");
            case 0xF0 -> new TransportException(Reason.NOT_FOUND, "onion service descriptor for " + target
                    + " can not be found on the hash ring: the service is offline or not yet published (SOCKS 0xF0)");
            case 0xF1 -> new TransportException(Reason.PROTOCOL, "onion service descriptor for " + target
                    + " is invalid: it did not parse or its signature failed (SOCKS 0xF1)");
            case 0xF2 -> new TransportException(Reason.NOT_FOUND, "onion service " + target + ": introduction failed; the service is"
                    + " no longer at its introduction points (SOCKS 0xF2)");
            case 0xF3 -> new TransportException(Reason.OTHER, "onion service " + target + ": rendezvous failed (SOCKS 0xF3); retrying may work");
            case 0xF4 -> new TransportException(Reason.REFUSED, "onion service " + target + " requires client authorization and none is"
                    + " configured (SOCKS 0xF4)");
            case 0xF5 -> new TransportException(Reason.REFUSED, "onion service " + target + " rejected our client authorization"
                    + " (SOCKS 0xF5)");
            case 0xF6 -> new TransportException(Reason.UNSUPPORTED_ADDRESS, "tor says " + target + " is not a valid onion address"
                    + " (SOCKS 0xF6)");
            case 0xF7 -> new TransportException(Reason.TIMEOUT, "onion service " + target + ": introduction timed out (SOCKS 0xF7)");
            default -> new TransportException(Reason.PROTOCOL, "tor answered SOCKS reply code 0x"
                    + Integer.toHexString(code) + " for " + target + ", which no specification defines");
        };
    }
}
