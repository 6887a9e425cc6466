package org.veilswarm.transport.onion.stream;

import io.netty.channel.ChannelHandler;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The services streams may reach at a circuit end: a handler per port for RELAY_BEGIN (the address in
 * BEGIN is not looked at: the stream ends here, never on the clear net) and one for RELAY_BEGIN_DIR
 * (where the directory issue plugs its HTTP directory server). Thread-safe; changes apply to streams
 * opened afterwards.
 */
public final class LocalServices implements StreamAcceptor {
    private final Map<Integer, ChannelHandler> ports = new ConcurrentHashMap<>();
    private volatile ChannelHandler directory;

    /**
     * Serves {@code port} with {@code handler}, which is added to every accepted stream's pipeline: it
     * must be {@code @Sharable}, as a {@code ChannelInitializer} is.
     *
     * @return closing it stops accepting new streams on the port
     * @throws IllegalStateException if the port is served already
     */
    public AutoCloseable register(int port, ChannelHandler handler) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1..65535, got " + port);
        }
        Objects.requireNonNull(handler, "handler");
        if (ports.putIfAbsent(port, handler) != null) {
            throw new IllegalStateException("port " + port + " is served already");
        }
        return () -> ports.remove(port, handler);
    }

    /** Answers BEGIN_DIR with {@code handler} (null: refuse with NOTDIRECTORY). */
    public void directory(ChannelHandler handler) {
        this.directory = handler;
    }

    @Override
    public ChannelHandler accept(StreamRequest request) {
        return request.kind() == StreamRequest.Kind.BEGIN_DIR ? directory : ports.get(request.port());
    }
}
