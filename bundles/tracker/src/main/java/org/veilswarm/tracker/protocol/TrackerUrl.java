package org.veilswarm.tracker.protocol;

import java.util.Objects;

import org.veilswarm.api.transport.TransportAddress;

/**
 * An {@code http://} tracker URL split into where to connect and the path to request. Onion hosts are
 * allowed ({@code http://<label>.onion:port/public/<token>/announce}); the transport decides reachability.
 *
 * @param address host and port (80 if the URL names none)
 * @param path the absolute path, without query
 */
public record TrackerUrl(TransportAddress address, String path) {
    public TrackerUrl {
        Objects.requireNonNull(address, "address");
        if (path == null || !path.startsWith("/") || path.indexOf('?') >= 0 || path.indexOf('#') >= 0
                || path.chars().anyMatch(c -> c <= 0x20 || c >= 0x7F)) {
            throw new IllegalArgumentException("tracker path must be an absolute path without query or spaces");
        }
    }

    /** Parses {@code http://host[:port]/path}. */
    public static TrackerUrl parse(String url) {
        if (url == null || !url.regionMatches(true, 0, "http://", 0, 7)) {
            throw new IllegalArgumentException("tracker URLs start with http:// (transports provide the security)");
        }
        String rest = url.substring(7);
        int slash = rest.indexOf('/');
        if (slash <= 0) {
            throw new IllegalArgumentException("tracker URL has no path: " + url);
        }
        String authority = rest.substring(0, slash);
        boolean hasPort = authority.startsWith("[") ? authority.contains("]:") : authority.indexOf(':') >= 0;
        TransportAddress address = TransportAddress.parse(hasPort ? authority : authority + ":80");
        return new TrackerUrl(address, rest.substring(slash));
    }

    /** The same tracker's scrape URL: the last path segment {@code announce} becomes {@code scrape} (BEP 48). */
    public TrackerUrl scrape() {
        int slash = path.lastIndexOf('/');
        if (!path.startsWith("announce", slash + 1)) {
            throw new IllegalStateException("no scrape URL: the last path segment does not begin with announce");
        }
        return new TrackerUrl(address, path.substring(0, slash + 1) + "scrape" + path.substring(slash + 9));
    }

    /** The Host header value (RFC 9112 §3.2): the host, and the port unless it is 80. */
    public String hostHeader() {
        String host = address.host().indexOf(':') >= 0 ? "[" + address.host() + "]" : address.host();
        return address.port() == 80 ? host : host + ":" + address.port();
    }

    @Override
    public String toString() {
        return "http://" + hostHeader() + path;
    }
}
