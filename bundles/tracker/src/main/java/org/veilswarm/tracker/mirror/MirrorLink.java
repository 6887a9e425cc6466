package org.veilswarm.tracker.mirror;

import java.util.Objects;

import org.veilswarm.api.node.OnionAddress;
import org.veilswarm.api.tracker.Visibility;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.tracker.protocol.ShareTokens;
import org.veilswarm.tracker.protocol.TrackerUrl;

/**
 * What a mirror needs to follow a share's tracker: the source's onion address (whose key must have signed
 * every document), where to reach it, and the share's path. The share link itself is enough:
 * {@code http://<address>.onion:<port>/private/<token>} names all four. On a transport that does not reach
 * onion names (direct TCP in a LAN or a test) the endpoint differs from the address, and {@link #of} takes
 * both.
 *
 * @param source the source's onion address; the key in it verifies the documents
 * @param endpoint where streams to the source go
 * @param visibility the share's prefix
 * @param token the share token (a secret for private shares: {@link #toString()} leaves it out)
 */
public record MirrorLink(OnionAddress source, TransportAddress endpoint, Visibility visibility, String token) {
    public MirrorLink {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(visibility, "visibility");
        if (token == null || !ShareTokens.isWellFormed(token)) {
            throw new IllegalArgumentException("not a share token (22-86 base64url characters)");
        }
    }

    /** A share link {@code http://<address>.onion[:port]/<private|public>/<token>[/]}. */
    public static MirrorLink parse(String shareLink) {
        TrackerUrl url = TrackerUrl.parse(shareLink);
        OnionAddress source = url.address().onion().orElseThrow(() -> new IllegalArgumentException(
                "the share link's host is not an onion address; give the source's address separately"));
        return of(source, shareLink);
    }

    /** The share at {@code url} ({@code http://host:port/<private|public>/<token>}) of the node {@code source}. */
    public static MirrorLink of(OnionAddress source, String url) {
        TrackerUrl parsed = TrackerUrl.parse(url);
        String[] segments = parsed.path().split("/");
        if (segments.length < 3 || !segments[0].isEmpty() || segments.length > 3 && !segments[3].isEmpty()) {
            throw new IllegalArgumentException("a share link's path is /private/<token> or /public/<token>");
        }
        Visibility visibility = switch (segments[1]) {
            case "private" -> Visibility.PRIVATE;
            case "public" -> Visibility.PUBLIC;
            default -> throw new IllegalArgumentException("a share link's path starts with /private/ or /public/");
        };
        return new MirrorLink(source, parsed.address(), visibility, segments[2]);
    }

    /** The share's path prefix, {@code /private/<token>} or {@code /public/<token>}. */
    public String prefix() {
        return MirrorScope.prefix(visibility, token);
    }

    byte[] scope() {
        return MirrorScope.of(visibility, token);
    }

    /** The Host header (RFC 9112 §3.2). */
    String hostHeader() {
        return new TrackerUrl(endpoint, "/").hostHeader();
    }

    @Override
    public String toString() {
        // No part of the token: a private share's token is its only secret, and this text reaches the logs.
        return "mirror of a " + visibility.name().toLowerCase(java.util.Locale.ROOT) + " share at " + source + " via "
                + endpoint;
    }
}
