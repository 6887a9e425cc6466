package org.veilswarm.console.impl.probe;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Where the console's HTTP server is reachable: a host and a port, taken from the whiteboard runtime's
 * {@code osgi.http.endpoint} property (OSGi Compendium R8.1 §140.9, URLs such as {@code http://127.0.0.1:8427/})
 * or, failing that, from the framework properties the launcher sets.
 *
 * @param host an IP literal or host name, without brackets
 * @param port the TCP port
 */
public record ConsoleEndpoint(String host, int port) {

    /** Framework property for the HTTP port (read by Felix HTTP). */
    public static final String PORT_PROPERTY = "org.osgi.service.http.port";
    /** Framework property for the address Felix HTTP binds to; unset means every interface. */
    public static final String HOST_PROPERTY = "org.apache.felix.http.host";
    /** Felix HTTP's port when none is configured. */
    static final int FELIX_DEFAULT_PORT = 8080;

    public ConsoleEndpoint {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("endpoint host is empty");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("endpoint port out of range: " + port);
        }
    }

    /**
     * The endpoints in an {@code osgi.http.endpoint} property value ({@code String}, {@code String[]} or a
     * collection of URLs); entries that are not {@code http://host:port/...} URLs are skipped.
     */
    public static List<ConsoleEndpoint> fromEndpointProperty(Object value) {
        List<String> urls = new ArrayList<>();
        if (value instanceof String s) {
            urls.add(s);
        } else if (value instanceof String[] array) {
            urls.addAll(List.of(array));
        } else if (value instanceof Collection<?> collection) {
            collection.forEach(o -> urls.add(String.valueOf(o)));
        }
        List<ConsoleEndpoint> endpoints = new ArrayList<>();
        for (String url : urls) {
            parseUrl(url).ifPresent(endpoints::add);
        }
        return endpoints;
    }

    /** The endpoint from the framework properties (either may be {@code null}). */
    public static ConsoleEndpoint fromFrameworkProperties(String host, String port) {
        int p = FELIX_DEFAULT_PORT;
        if (port != null && !port.isBlank()) {
            try {
                p = Integer.parseInt(port.strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(PORT_PROPERTY + " is not a port number: " + port);
            }
        }
        return new ConsoleEndpoint(host == null || host.isBlank() ? "0.0.0.0" : host.strip(), p);
    }

    static Optional<ConsoleEndpoint> parseUrl(String url) {
        String s = url.strip();
        int scheme = s.indexOf("://");
        if (scheme < 0 || !s.substring(0, scheme).toLowerCase(Locale.ROOT).equals("http")) {
            return Optional.empty();
        }
        String rest = s.substring(scheme + 3);
        int slash = rest.indexOf('/');
        String authority = slash < 0 ? rest : rest.substring(0, slash);
        String host;
        String port;
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            if (close < 0) {
                return Optional.empty();
            }
            host = authority.substring(1, close);
            port = authority.substring(close + 1).startsWith(":") ? authority.substring(close + 2) : "80";
        } else {
            int colon = authority.lastIndexOf(':');
            host = colon < 0 ? authority : authority.substring(0, colon);
            port = colon < 0 ? "80" : authority.substring(colon + 1);
        }
        try {
            return Optional.of(new ConsoleEndpoint(host, Integer.parseInt(port)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * The endpoint to probe and to announce: a loopback one among those the whiteboard publishes, else the
     * first published, else the configured one.
     */
    public static ConsoleEndpoint choose(ConsoleEndpoint configured, List<ConsoleEndpoint> published) {
        return published.stream().filter(ConsoleEndpoint::isLoopback).findFirst()
                .orElse(published.isEmpty() ? configured : published.get(0));
    }

    /** Whether the HTTP server is (or is configured to be) reachable from other machines. */
    public static boolean exposedBeyondLoopback(ConsoleEndpoint configured, List<ConsoleEndpoint> published) {
        return !configured.isLoopback() || published.stream().anyMatch(e -> !e.isLoopback());
    }

    /** {@code host:port}, with IPv6 literals in brackets (RFC 3986 §3.2.2). */
    public String authority() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    /** Whether the server listens on every interface ({@code 0.0.0.0} or {@code ::}). */
    public boolean isWildcard() {
        return host.equals("0.0.0.0") || host.equals("::") || host.equals("0:0:0:0:0:0:0:0");
    }

    /** Whether the address is loopback only; host names are resolved (so prefer IP literals). */
    public boolean isLoopback() {
        if (isWildcard()) {
            return false;
        }
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        try {
            for (InetAddress address : InetAddress.getAllByName(host)) {
                if (!address.isLoopbackAddress()) {
                    return false;
                }
            }
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** Where to connect to reach this endpoint from this machine: loopback for a wildcard binding. */
    public ConsoleEndpoint reachableLocally() {
        return isWildcard() ? new ConsoleEndpoint("127.0.0.1", port) : this;
    }

    /** The console URL that opens a session: {@code http://<host>:<port>/management/<token>}. */
    public String managementUrl(String token) {
        return "http://" + authority() + "/management/" + token;
    }
}
