package org.veilswarm.transport.direct.impl;

import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.channel.Channel;

/**
 * Decides whether an accepted TCP connection may become a stream: its source must be allowed and the
 * number of open inbound streams must stay within {@code maxConnections}. A refused connection is
 * closed at once, before any handler of the caller sees it.
 *
 * <p>Refusals are logged, but at most one line per {@link #LOG_INTERVAL_NANOS} with the number of
 * refusals it stands for, so a connection flood cannot flood the log as well.
 */
final class InboundAdmission {
    private static final System.Logger LOG = System.getLogger(DirectTransportEngine.LOGGER_NAME);
    static final long LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final int maxConnections;
    private final SourceFilter allowedSources;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicLong refusedOverLimit = new AtomicLong();
    private final AtomicLong refusedSource = new AtomicLong();
    private final AtomicLong unloggedRefusals = new AtomicLong();
    private final AtomicLong lastLogNanos = new AtomicLong(System.nanoTime() - LOG_INTERVAL_NANOS);

    InboundAdmission(int maxConnections, SourceFilter allowedSources) {
        this.maxConnections = maxConnections;
        this.allowedSources = allowedSources;
    }

    /**
     * Admits {@code child} or closes it. An admitted channel counts against the limit until it closes.
     *
     * @return whether the channel was admitted
     */
    boolean admit(Channel child) {
        SocketAddress remote = child.remoteAddress();
        if (!(remote instanceof InetSocketAddress inet) || !allowedSources.allows(inet)) {
            refusedSource.incrementAndGet();
            refuse(child, "source " + remote + " is not in allowedSources (" + allowedSources + ")");
            return false;
        }
        int now = open.incrementAndGet();
        if (now > maxConnections) {
            open.decrementAndGet();
            refusedOverLimit.incrementAndGet();
            refuse(child, "maxConnections=" + maxConnections + " inbound streams are already open");
            return false;
        }
        child.closeFuture().addListener(f -> open.decrementAndGet());
        return true;
    }

    /** Inbound streams open now. */
    int open() {
        return open.get();
    }

    /** Connections closed at once because {@code maxConnections} streams were open. */
    long refusedOverLimit() {
        return refusedOverLimit.get();
    }

    /** Connections closed at once because their source was not allowed. */
    long refusedSource() {
        return refusedSource.get();
    }

    private void refuse(Channel child, String why) {
        child.close();
        long pending = unloggedRefusals.incrementAndGet();
        long last = lastLogNanos.get();
        long now = System.nanoTime();
        if (now - last >= LOG_INTERVAL_NANOS && lastLogNanos.compareAndSet(last, now)) {
            long count = unloggedRefusals.getAndAdd(-pending);
            LOG.log(Level.WARNING, "direct transport closed an inbound connection from {0}: {1}{2}",
                    child.remoteAddress(), why,
                    count > 1 ? " (" + count + " connections refused since the last such message)" : "");
        }
    }
}
