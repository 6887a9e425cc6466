package org.veilswarm.transport.onion.dirclient;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.veilswarm.api.directory.DirectoryStreams;
import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.transport.onion.circuit.CircuitBuilder;
import org.veilswarm.transport.onion.circuit.CircuitSettings;
import org.veilswarm.transport.onion.circuit.OriginCircuit;
import org.veilswarm.transport.onion.link.LinkSettings;
import org.veilswarm.transport.onion.path.FirstHopLinks;
import org.veilswarm.transport.onion.path.PathCircuits;
import org.veilswarm.transport.onion.path.ReusedFirstHopLinks;
import org.veilswarm.transport.onion.stream.CircuitStreams;

/**
 * Directory streams to caches as tor's clients open them: a one-hop circuit to the cache (tor uses CREATE_FAST
 * there; this one uses CREATE2 with ntor, so the cache must also hold the descriptor's onion key, tor-spec
 * §5.1.4) and a RELAY_BEGIN_DIR stream on it (§6.2). The link handshake proves the relay's Ed25519 identity
 * (§4.2), so a stream reaches exactly the relay the verified directory named. One circuit per cache is kept
 * and carries every stream to it; a circuit without streams for the idle time is destroyed, and one that
 * closed is rebuilt at the next request. Links are shared per relay identity ({@link ReusedFirstHopLinks}).
 */
public final class OneHopDirectoryStreams implements DirectoryStreams, AutoCloseable {
    /** How long an unused one-hop circuit to a cache stays up by default. */
    public static final Duration DEFAULT_IDLE = Duration.ofMinutes(1);

    private final PathCircuits circuits;
    private final ReusedFirstHopLinks links;
    private final long idleNanos;
    private final Map<RelayDescriptor.Key, Kept> kept = new ConcurrentHashMap<>();
    private final ScheduledFuture<?> idleCheck;
    private final LongAdder built = new LongAdder();
    private final LongAdder opened = new LongAdder();
    private volatile boolean closed;

    /** A one-hop circuit and the stream layer at its hop. */
    private record Built(OriginCircuit circuit, CircuitStreams streams) {
    }

    /** A circuit being built or built, with when it last carried a stream. */
    private static final class Kept {
        final CompletableFuture<Built> built;
        volatile long lastUsed = System.nanoTime();
        /** Streams asked for and not yet open (or failed): the circuit is not idle while any is on its way. */
        final AtomicInteger opening = new AtomicInteger();

        Kept(CompletableFuture<Built> built) {
            this.built = built;
        }

        /** Still being built, or built and open: a failed or closed circuit is replaced at the next request. */
        boolean usable() {
            return !built.isDone() || !built.isCompletedExceptionally() && built.join().circuit().isOpen();
        }
    }

    /**
     * @param group the event loops for links (and the idle check)
     * @param links link handshake settings (the step timeout bounds each handshake step)
     * @param settings circuit settings (the build timeout bounds the CREATE2 handshake)
     * @param idle how long a circuit without streams is kept
     */
    public OneHopDirectoryStreams(EventLoopGroup group, LinkSettings links, CircuitSettings settings, Duration idle) {
        Objects.requireNonNull(group, "group");
        if (idle.isNegative() || idle.isZero()) {
            throw new IllegalArgumentException("idle time must be positive: " + idle);
        }
        CircuitBuilder builder = new CircuitBuilder(settings);
        this.links = FirstHopLinks.reusing(new Bootstrap().group(group).channel(NioSocketChannel.class),
                Objects.requireNonNull(links, "links"), builder, idle);
        this.circuits = new PathCircuits(builder, this.links);
        this.idleNanos = idle.toNanos();
        long period = Math.max(TimeUnit.MILLISECONDS.toNanos(50), idleNanos / 4);
        this.idleCheck = group.next().scheduleAtFixedRate(this::closeIdle, period, period, TimeUnit.NANOSECONDS);
    }

    @Override
    public CompletionStage<Channel> open(RelayDescriptor relay, ChannelInitializer<Channel> initializer) {
        Objects.requireNonNull(relay, "relay");
        Objects.requireNonNull(initializer, "initializer");
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("directory streams closed"));
        }
        // Counted inside compute, which the idle check also uses for this key: a circuit picked here is never
        // destroyed as idle before its stream opens, however long the open waits for a loop.
        Kept circuit = kept.compute(relay.identityKey(), (k, existing) -> {
            Kept chosen = existing != null && existing.usable() ? existing : new Kept(build(relay));
            chosen.opening.incrementAndGet();
            chosen.lastUsed = System.nanoTime();
            return chosen;
        });
        return circuit.built.thenCompose(b -> {
            CompletableFuture<Channel> stream = new CompletableFuture<>();
            b.streams().openDirectory(initializer).addListener(done -> {
                circuit.lastUsed = System.nanoTime();
                circuit.opening.decrementAndGet();
                if (done.isSuccess()) {
                    opened.increment();
                    Channel channel = (Channel) done.getNow();
                    // Idle time counts from the last stream's end, not its start: a long answer must not leave
                    // the circuit due for destruction the moment it is read.
                    channel.closeFuture().addListener(closed -> circuit.lastUsed = System.nanoTime());
                    stream.complete(channel);
                } else {
                    stream.completeExceptionally(done.cause());
                }
            });
            return stream;
        });
    }

    private CompletableFuture<Built> build(RelayDescriptor relay) {
        built.increment();
        return circuits.build(List.of(relay)).thenApply(c -> new Built(c, CircuitStreams.attach(c)))
                .toCompletableFuture();
    }

    /** One-hop circuits built so far (each one CREATE2 ntor handshake). */
    public long circuitsBuilt() {
        return built.sum();
    }

    /** BEGIN_DIR streams opened so far. */
    public long streamsOpened() {
        return opened.sum();
    }

    /** One-hop circuits kept now (built or being built). */
    public int circuitsKept() {
        return kept.size();
    }

    private void closeIdle() {
        long now = System.nanoTime();
        kept.forEach((relay, circuit) -> {
            if (!circuit.built.isDone()) {
                return;
            }
            if (!circuit.usable()) {
                kept.remove(relay, circuit);
                return;
            }
            Kept[] idle = new Kept[1];
            kept.computeIfPresent(relay, (k, current) -> {
                if (current == circuit && current.opening.get() == 0 && current.built.join().streams().size() == 0
                        && now - current.lastUsed >= idleNanos) {
                    idle[0] = current;
                    return null;
                }
                return current;
            });
            if (idle[0] != null) {
                destroy(idle[0]);
            }
        });
    }

    private static void destroy(Kept circuit) {
        circuit.built.thenAccept(b -> b.circuit().destroy());
    }

    /** Destroys every kept circuit and closes the links; later requests fail. */
    @Override
    public void close() {
        closed = true;
        idleCheck.cancel(false);
        kept.values().forEach(OneHopDirectoryStreams::destroy);
        kept.clear();
        links.close();
    }
}
