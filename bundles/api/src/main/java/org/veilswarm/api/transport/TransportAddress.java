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
 * @param host an onion host name (normalised to lower case, a trailing dot removed), an IP literal (IPv6 without
 *        brackets), or a DNS name; anything else is rejected
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
        // "name.onion." (fully qualified, trailing dot) is the same onion name: it must never be taken for a
        // DNS name, or a transport would send a DNS query naming the onion service.
        String name = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        if (isOnionName(name)) {
            host = OnionAddress.parse(name).hostName();
        } else if (!HOST_NAME.matcher(host).matches() && !IPV6_LITERAL.matcher(host).matches()) {
            throw new IllegalArgumentException("not a host name, IPv4 or IPv6 address: " + host);
        }
    }

    /** Letters, digits, '-', '_' and dots: DNS names and IPv4 literals (RFC 1123 §2.1, leniently). */
    private static final java.util.regex.Pattern HOST_NAME =
            java.util.regex.Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*\\.?");
    /** An IPv6 literal without brackets, optionally with a zone id (RFC 4007 §11). */
    private static final java.util.regex.Pattern IPV6_LITERAL =
            java.util.regex.Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(%[A-Za-z0-9._-]+)?");

    /** Whether the last label of {@code name} is "onion", in any case. */
    private static boolean isOnionName(String name) {
        return name.toLowerCase(Locale.ROOT).endsWith(OnionAddress.SUFFIX)
                || name.equalsIgnoreCase(OnionAddress.SUFFIX.substring(1));
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
