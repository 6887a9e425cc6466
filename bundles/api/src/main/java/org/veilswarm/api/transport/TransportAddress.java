package org.veilswarm.api.transport;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

import org.veilswarm.api.node.OnionAddress;

/**
 * Where a stream goes: a host and a port. The host is either an onion host name
 * ({@code <56 base32 chars>.onion}), reachable by anonymous transports, or an IP address or DNS name,
 * reachable by the direct transport only. A peer in a swarm or a tracker's peer list is a transport address.
 *
 * @param host an onion host name (normalised to lower case), an IP literal (IPv6 without brackets), or a DNS name
 * @param port 1-65535
 */
public record TransportAddress(String host, int port) {

    public TransportAddress {
        Objects.requireNonNull(host, "host");
        if (host.isEmpty() || host.length() > 255) {
            throw new IllegalArgumentException("host must be 1-255 characters, got " + host.length());
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1-65535, got " + port);
        }
        if (host.toLowerCase(Locale.ROOT).endsWith(OnionAddress.SUFFIX)) {
            host = OnionAddress.parse(host).hostName();
        } else if (host.chars().anyMatch(c -> c <= ' ' || c == '/' || c == '@' || c == '[' || c == ']')) {
            throw new IllegalArgumentException("host contains characters not allowed in a host name: " + host);
        }
    }

    /** The address of an onion service port. */
    public static TransportAddress of(OnionAddress address, int port) {
        return new TransportAddress(address.hostName(), port);
    }

    /**
     * Parses {@code host:port}, {@code [ipv6]:port} or {@code <address>.onion:port}.
     *
     * @throws IllegalArgumentException with the reason if the text is not such an address
     */
    public static TransportAddress parse(String text) {
        Objects.requireNonNull(text, "address");
        String s = text.trim();
        String host;
        String port;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0 || close + 1 >= s.length() || s.charAt(close + 1) != ':') {
                throw new IllegalArgumentException("expected [ipv6]:port, got " + text);
            }
            host = s.substring(1, close);
            port = s.substring(close + 2);
        } else {
            int colon = s.lastIndexOf(':');
            if (colon <= 0 || s.indexOf(':') != colon) {
                throw new IllegalArgumentException("expected host:port, got " + text);
            }
            host = s.substring(0, colon);
            port = s.substring(colon + 1);
        }
        try {
            return new TransportAddress(host, Integer.parseInt(port));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("port is not a number in " + text, e);
        }
    }

    /** Whether the host is an onion host name. */
    public boolean isOnion() {
        return host.endsWith(OnionAddress.SUFFIX);
    }

    /** The onion address, if the host is one. */
    public Optional<OnionAddress> onion() {
        return isOnion() ? Optional.of(OnionAddress.parse(host)) : Optional.empty();
    }

    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
