package org.veilswarm.transport.onion.path;

import io.netty.bootstrap.Bootstrap;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.veilswarm.transport.onion.circuit.CircuitBuilder;
import org.veilswarm.transport.onion.circuit.CircuitTable;
import org.veilswarm.transport.onion.circuit.RelayTarget;
import org.veilswarm.transport.onion.link.Link;
import org.veilswarm.transport.onion.link.LinkSettings;
import org.veilswarm.transport.onion.link.Links;

/**
 * One client link per first-hop relay, shared by every circuit through it (tor-spec §2 "channel reuse",
 * §5.3.1: a node keeps one canonical connection per relay). Links are keyed by the relay's Ed25519 identity,
 * which the link handshake proves (tor-spec §4.2); never by address, so a relay that moved, or a host
 * answering at a relay's old address, never gets another relay's circuits. Builds that ask while a link is
 * still being opened share its handshake. A link that failed or closed leaves the cache and the next build
 * opens a new one. A link that carried no circuit for {@code idleTimeout} is closed, as tor closes idle
 * client channels (it keeps them a few minutes; {@link #DEFAULT_IDLE_TIMEOUT}).
 */
public final class ReusedFirstHopLinks implements FirstHopLinks, AutoCloseable {
    /** How long a link without circuits stays open by default. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(3);

    private final Bootstrap bootstrap;
    private final LinkSettings settings;
    private final CircuitBuilder builder;
    private final long idleNanos;
    private final Map<ByteBuffer, Future<Link>> links = new ConcurrentHashMap<>();
    private final Map<Link, IdleWatch> watches = new ConcurrentHashMap<>();
    private final LongAdder opened = new LongAdder();
    private volatile boolean closed;

    ReusedFirstHopLinks(Bootstrap bootstrap, LinkSettings settings, CircuitBuilder builder, Duration idleTimeout) {
        this.bootstrap = Objects.requireNonNull(bootstrap, "bootstrap");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.builder = Objects.requireNonNull(builder, "builder");
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("idle timeout must be positive: " + idleTimeout);
        }
        this.idleNanos = idleTimeout.toNanos();
    }

    @Override
    public Future<Link> link(RelayTarget target) {
        if (closed) {
            return bootstrap.config().group().next().newFailedFuture(new IllegalStateException("first-hop links closed"));
        }
        ByteBuffer key = ByteBuffer.wrap(target.identity().clone());
        Future<Link>[] mine = new Future[1];
        Future<Link> link = links.compute(key, (k, existing) -> {
            if (existing != null && (!existing.isDone() || existing.isSuccess() && existing.getNow().channel().isActive())) {
                return existing;
            }
            mine[0] = Links.connect(bootstrap, target.address(), target.identity(), null, settings,
                    builder.clientLinks(null));
            return mine[0];
        });
        if (mine[0] != null) {
            opened.increment();
            track(key, mine[0]);
        } else if (link.isDone() && link.isSuccess()) {
            IdleWatch watch = watches.get(link.getNow());
            if (watch != null) {
                watch.busy();
            }
        }
        return link;
    }

    private void track(ByteBuffer key, Future<Link> opening) {
        opening.addListener(done -> {
            if (!done.isSuccess()) {
                links.remove(key, opening);
                return;
            }
            Link link = opening.getNow();
            IdleWatch watch = new IdleWatch(link);
            watches.put(link, watch);
            link.channel().closeFuture().addListener(gone -> {
                links.remove(key, opening);
                watches.remove(link);
                watch.cancel();
            });
            if (closed) {
                link.close();
            }
        });
    }

    /** Open links in the cache (links still in their handshake not counted). */
    public List<Link> openLinks() {
        return links.values().stream().filter(f -> f.isDone() && f.isSuccess()).map(Future::getNow)
                .filter(l -> l.channel().isActive()).toList();
    }

    /** Links this cache has started to open (each one TLS connection and link handshake). */
    public long linksOpened() {
        return opened.sum();
    }

    /** Closes every link (their circuits go with them); later builds fail. */
    @Override
    public void close() {
        closed = true;
        for (Future<Link> link : List.copyOf(links.values())) {
            link.addListener(done -> {
                if (done.isSuccess()) {
                    link.getNow().close();
                }
            });
        }
    }

    /**
     * Closes a link once it has had no circuits for the idle time. Checked on the link's event loop a few
     * times per idle period; a link handed to a build counts as busy then, so a build's CREATE2 has the
     * whole idle period to register its circuit.
     */
    private final class IdleWatch {
        private final Link link;
        private final ScheduledFuture<?> check;
        private volatile long lastBusy = System.nanoTime();

        IdleWatch(Link link) {
            this.link = link;
            long period = Math.max(TimeUnit.MILLISECONDS.toNanos(10), idleNanos / 4);
            this.check = link.channel().eventLoop().scheduleAtFixedRate(this::check, period, period, TimeUnit.NANOSECONDS);
        }

        void busy() {
            lastBusy = System.nanoTime();
        }

        private void check() {
            CircuitTable table = CircuitTable.of(link);
            long now = System.nanoTime();
            if (table != null && table.size() > 0) {
                lastBusy = now;
            } else if (now - lastBusy >= idleNanos) {
                link.close();
            }
        }

        void cancel() {
            check.cancel(false);
        }
    }
}
