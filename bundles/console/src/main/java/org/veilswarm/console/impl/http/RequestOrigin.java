package org.veilswarm.console.impl.http;

import java.util.Locale;

/**
 * The origin (RFC 6454) a browser attributes to this console for a given request: scheme plus the
 * {@code Host} header the browser sent. Comparing the {@code Origin} header against it accepts the console
 * however it is reached (127.0.0.1, localhost, an SSH tunnel's port) and refuses every other site.
 */
public final class RequestOrigin {

    private RequestOrigin() {
    }

    /**
     * @param scheme the request scheme ({@code http} or {@code https})
     * @param hostHeader the {@code Host} header, or {@code null}
     * @param serverName the server name, used when there is no Host header
     * @param serverPort the server port, used when there is no Host header
     */
    public static String of(String scheme, String hostHeader, String serverName, int serverPort) {
        String s = scheme.toLowerCase(Locale.ROOT);
        if (hostHeader != null && !hostHeader.isBlank()) {
            return s + "://" + hostHeader.strip().toLowerCase(Locale.ROOT);
        }
        boolean defaultPort = (s.equals("http") && serverPort == 80) || (s.equals("https") && serverPort == 443);
        String host = serverName.contains(":") && !serverName.startsWith("[") ? "[" + serverName + "]" : serverName;
        return s + "://" + host.toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + serverPort);
    }
}
