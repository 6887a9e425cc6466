package org.veilswarm.transport.onion.internal;

import io.netty.channel.ChannelHandler;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Which directory cache answers BEGIN_DIR directory requests at this relay (tor-spec §6.2): an explicitly
 * registered {@link org.veilswarm.transport.onion.stream.DirectoryStreamService} first; otherwise the directory
 * service of the configured scheme, otherwise of the first bound scheme that serves one; otherwise none (the
 * stream is closed). Thread-safe; callers apply {@link #current()} after each change.
 */
final class DirectoryHandlers {
    private record Served(String scheme, ChannelHandler handler) {
    }

    private final String wantedScheme;
    private final Map<Object, Served> schemes = new LinkedHashMap<>();
    private ChannelHandler explicit;

    /** @param wantedScheme the configured scheme, or empty for whichever is bound */
    DirectoryHandlers(String wantedScheme) {
        this.wantedScheme = Objects.requireNonNull(wantedScheme, "wantedScheme").trim();
    }

    /** A scheme's cache ({@code handler} a {@code @Sharable} initializer), keyed by the scheme's service object. */
    synchronized void addScheme(Object key, String scheme, ChannelHandler handler) {
        schemes.put(Objects.requireNonNull(key, "key"), new Served(scheme == null ? "" : scheme,
                Objects.requireNonNull(handler, "handler")));
    }

    synchronized void removeScheme(Object key) {
        schemes.remove(key);
    }

    /** The explicitly registered directory stream service's initializer, or null when it went away. */
    synchronized void explicit(ChannelHandler handler) {
        explicit = handler;
    }

    /** The handler for directory requests now, or null for none. */
    synchronized ChannelHandler current() {
        if (explicit != null) {
            return explicit;
        }
        return schemes.values().stream().filter(s -> s.scheme().equals(wantedScheme)).findFirst()
                .or(() -> schemes.values().stream().findFirst()).map(Served::handler).orElse(null);
    }

    /** The scheme whose cache answers now, for status lines. */
    synchronized String describe() {
        if (explicit != null) {
            return "directory requests served by a registered directory stream service";
        }
        ChannelHandler now = current();
        return schemes.values().stream().filter(s -> s.handler() == now).findFirst()
                .map(s -> "directory requests served by the " + s.scheme() + " cache")
                .orElse("directory requests not served");
    }
}
