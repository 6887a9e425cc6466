package org.veilswarm.share.api;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

import org.veilswarm.api.tracker.Visibility;
import org.veilswarm.api.transport.TransportAddress;

/**
 * A share link, {@code http://<address>.onion:<port>/private/<token>} or {@code .../public/<token>}: where the
 * sharing node's tracker listens and the secret token of the share. The host may also be an IP address or host
 * name for the direct transport (LAN and tests), which is not anonymous.
 *
 * <p>The token is a secret: {@link #toString()} leaves it out; {@link #format()} gives the whole link.
 *
 * @param tracker the sharing node's tracker
 * @param visibility the share's tracker path, {@code /private/} or {@code /public/}
 * @param token base64url, 22-86 characters (at least 128 bits)
 */
public record ShareLink(TransportAddress tracker, Visibility visibility, String token) {

    /** Port assumed when a link names none (the default of {@code http}). */
    public static final int DEFAULT_PORT = 80;

    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{22,86}");
    private static final int MAX_LINK_LENGTH = 400;

    public ShareLink {
        Objects.requireNonNull(tracker, "tracker");
        Objects.requireNonNull(visibility, "visibility");
        Objects.requireNonNull(token, "token");
        if (!TOKEN.matcher(token).matches()) {
            throw new ShareLinkException("the token must be 22-86 base64url characters (A-Z a-z 0-9 - _)");
        }
    }

    /**
     * Parses a link. Surrounding white space and one trailing slash are ignored; anything else unexpected is
     * refused with the reason.
     *
     * @throws ShareLinkException if {@code text} is not a share link
     */
    public static ShareLink parse(String text) {
        if (text == null || text.isBlank()) {
            throw new ShareLinkException("empty share link");
        }
        String s = text.strip();
        if (s.length() > MAX_LINK_LENGTH) {
            throw new ShareLinkException("share link longer than " + MAX_LINK_LENGTH + " characters");
        }
        String scheme = "http://";
        if (!s.regionMatches(true, 0, scheme, 0, scheme.length())) {
            throw new ShareLinkException("a share link starts with http:// (onion services need no TLS)");
        }
        s = s.substring(scheme.length());
        if (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        if (s.indexOf('?') >= 0 || s.indexOf('#') >= 0) {
            throw new ShareLinkException("a share link has no query or fragment");
        }
        int slash = s.indexOf('/');
        if (slash < 0) {
            throw new ShareLinkException("no /private/<token> or /public/<token> path in the share link");
        }
        String authority = s.substring(0, slash);
        if (authority.indexOf('@') >= 0) {
            throw new ShareLinkException("a share link has no user name");
        }
        TransportAddress tracker = parseAuthority(authority);
        String[] path = s.substring(slash + 1).split("/", -1);
        if (path.length != 2) {
            throw new ShareLinkException("the path of a share link is /private/<token> or /public/<token>");
        }
        Visibility visibility = switch (path[0].toLowerCase(Locale.ROOT)) {
            case "private" -> Visibility.PRIVATE;
            case "public" -> Visibility.PUBLIC;
            default -> throw new ShareLinkException(
                    "the path of a share link starts with /private/ or /public/, not /" + abbreviate(path[0]) + "/");
        };
        return new ShareLink(tracker, visibility, path[1]);
    }

    private static TransportAddress parseAuthority(String authority) {
        if (authority.isEmpty()) {
            throw new ShareLinkException("no host in the share link");
        }
        boolean bracketed = authority.startsWith("[");
        int colon = bracketed ? authority.indexOf("]:") + 1 : authority.lastIndexOf(':');
        boolean hasPort = bracketed ? colon > 0 : colon >= 0;
        String hostPart = hasPort ? authority.substring(0, colon) : authority;
        if (bracketed) {
            if (!hostPart.endsWith("]")) {
                throw new ShareLinkException("unclosed [ in the host of the share link");
            }
            hostPart = hostPart.substring(1, hostPart.length() - 1);
        }
        int port = DEFAULT_PORT;
        if (hasPort) {
            String digits = authority.substring(colon + 1);
            if (!digits.matches("[0-9]{1,5}")) {
                throw new ShareLinkException("the port of the share link is not a number: " + abbreviate(digits));
            }
            port = Integer.parseInt(digits);
        }
        try {
            return new TransportAddress(hostPart, port);
        } catch (IllegalArgumentException e) {
            throw new ShareLinkException("bad host or port in the share link: " + e.getMessage());
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 24 ? s.substring(0, 24) + "…" : s;
    }

    /** The whole link, token included. */
    public String format() {
        return "http://" + tracker + "/" + (visibility == Visibility.PUBLIC ? "public" : "private") + "/" + token;
    }

    /** Whether the link names an onion address (reachable anonymously) rather than a direct host. */
    public boolean isOnion() {
        return tracker.isOnion();
    }

    /** Without the token: links end up in logs and exception messages. */
    @Override
    public String toString() {
        return "http://" + tracker + "/" + (visibility == Visibility.PUBLIC ? "public" : "private") + "/…";
    }
}
