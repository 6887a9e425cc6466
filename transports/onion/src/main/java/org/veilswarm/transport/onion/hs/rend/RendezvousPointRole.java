package org.veilswarm.transport.onion.hs.rend;

import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.veilswarm.transport.onion.cell.DestroyReason;
import org.veilswarm.transport.onion.circuit.HopControl;

/**
 * A relay acting as rendezvous point (rend-spec-v3 §3.3, §3.4): a bounded table of cookies from
 * ESTABLISH_RENDEZVOUS, each waiting at most the cookie lifetime; the service's RENDEZVOUS1 with a
 * known cookie joins its circuit with the client's and sends the client RENDEZVOUS2.
 */
final class RendezvousPointRole {
    /** A client circuit waiting for its service; {@code expiry} closes it at the deadline. */
    private static final class Waiting {
        final HopControl hop;
        final long deadline;
        volatile java.util.concurrent.Future<?> expiry;

        Waiting(HopControl hop, long deadline) {
            this.hop = hop;
            this.deadline = deadline;
        }

        HopControl hop() {
            return hop;
        }

        long deadline() {
            return deadline;
        }

        /** Drops the timer: a used or closed cookie must not keep its circuit referenced for the lifetime. */
        void cancelExpiry() {
            java.util.concurrent.Future<?> timer = expiry;
            if (timer != null) {
                timer.cancel(false);
            }
        }
    }

    private final RendezvousRelaySettings settings;
    private final Map<ByteBuffer, Waiting> cookies = new ConcurrentHashMap<>();
    /**
     * Circuits whose purpose here is rendezvous: they sent ESTABLISH_RENDEZVOUS (the client's) or
     * RENDEZVOUS1 (the service's, joined). Each may do so once; without this one circuit could fill the
     * cookie table, so a circuit holds at most one cookie and a link at most its circuit limit.
     */
    private final java.util.Set<HopControl> rendezvousCircuits = ConcurrentHashMap.newKeySet();
    final LongAdder joined = new LongAdder();
    final LongAdder expired = new LongAdder();

    RendezvousPointRole(RendezvousRelaySettings settings) {
        this.settings = settings;
    }

    int size() {
        return cookies.size();
    }

    /** Whether {@code hop} is a rendezvous circuit here (so it may not become an introduction one). */
    boolean isRendezvousCircuit(HopControl hop) {
        return rendezvousCircuits.contains(hop);
    }

    /** Claims {@code hop} for rendezvous; false (and the circuit is closed) if it was already claimed. */
    private boolean claim(HopControl hop) {
        if (!rendezvousCircuits.add(hop)) {
            hop.destroy(DestroyReason.PROTOCOL);
            return false;
        }
        hop.whenClosed().addListener(closed -> rendezvousCircuits.remove(hop));
        return true;
    }

    /**
     * §3.3 ESTABLISH_RENDEZVOUS: a malformed cell, a cookie in use, or a circuit that already sent
     * ESTABLISH_RENDEZVOUS or RENDEZVOUS1 closes the circuit.
     */
    void establish(HopControl client, byte[] body) {
        if (!claim(client)) {
            return;
        }
        byte[] cookie;
        try {
            cookie = RendezvousCells.decodeEstablishRendezvous(body);
        } catch (RendCellException e) {
            client.destroy(DestroyReason.PROTOCOL);
            return;
        }
        long now = settings.nanoTime().getAsLong();
        if (cookies.size() >= settings.maxCookies()) {
            expire(now);
            if (cookies.size() >= settings.maxCookies()) {
                client.destroy(DestroyReason.RESOURCELIMIT);
                return;
            }
        }
        ByteBuffer key = ByteBuffer.wrap(cookie);
        Waiting waiting = new Waiting(client, now + settings.cookieLifetime().toNanos());
        if (cookies.putIfAbsent(key, waiting) != null) {
            client.destroy(DestroyReason.PROTOCOL);
            return;
        }
        client.whenClosed().addListener(closed -> {
            cookies.remove(key, waiting);
            waiting.cancelExpiry();
        });
        waiting.expiry = client.eventLoop().schedule(() -> {
            if (cookies.remove(key, waiting)) {
                expired.increment();
                waiting.hop().destroy(DestroyReason.FINISHED);
            }
        }, settings.cookieLifetime().toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
        client.send(RendezvousCells.rendezvousEstablished());
    }

    private void expire(long now) {
        for (Iterator<Map.Entry<ByteBuffer, Waiting>> it = cookies.entrySet().iterator(); it.hasNext();) {
            Map.Entry<ByteBuffer, Waiting> entry = it.next();
            if (entry.getValue().deadline() - now <= 0 && cookies.remove(entry.getKey(), entry.getValue())) {
                expired.increment();
                entry.getValue().hop().destroy(DestroyReason.FINISHED);
            }
        }
    }

    /**
     * §3.4 RENDEZVOUS1: an unknown or expired cookie closes the service's circuit; otherwise the two
     * circuits are joined first (so no cell of the client can arrive unjoined) and the client gets
     * RENDEZVOUS2 with the HANDSHAKE_INFO.
     */
    void rendezvous(HopControl service, byte[] body) {
        if (!claim(service)) {
            return; // a second RENDEZVOUS1, or one on a circuit that established a cookie
        }
        byte[][] parts;
        try {
            parts = RendezvousCells.decodeRendezvous1(body);
        } catch (RendCellException e) {
            service.destroy(DestroyReason.PROTOCOL);
            return;
        }
        Waiting waiting = cookies.remove(ByteBuffer.wrap(parts[0]));
        if (waiting != null) {
            waiting.cancelExpiry();
        }
        if (waiting == null || waiting.deadline() - settings.nanoTime().getAsLong() <= 0) {
            if (waiting != null) {
                expired.increment();
                waiting.hop().destroy(DestroyReason.FINISHED);
            }
            service.destroy(DestroyReason.PROTOCOL);
            return;
        }
        if (!waiting.hop().join(service)) {
            waiting.hop().destroy(DestroyReason.FINISHED);
            service.destroy(DestroyReason.FINISHED);
            return;
        }
        joined.increment();
        waiting.hop().send(RendezvousCells.rendezvous2(parts[1]));
    }
}
