package org.veilswarm.swarm.engine;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.api.transport.TransportException;

/**
 * Dials to peers that failed, per address: how many and the last reason, logged at INFO the first time and then at
 * most once per {@link #LOG_EVERY_NANOS} per address (with the number left unlogged in between). A download that
 * gets nowhere must be able to say why: an onion peer's failure names the circuit, introduction or descriptor step
 * ({@link TransportException.Reason} and message), which the node's log did not show before.
 */
final class DialFailures {
    static final long LOG_EVERY_NANOS = 30_000_000_000L;
    private static final Logger LOG = Logger.getLogger(DialFailures.class.getName());

    private final String what;
    private final LongSupplier nanoTime;
    private final Map<TransportAddress, Entry> byAddress = new ConcurrentHashMap<>();

    private static final class Entry {
        int failures;
        int connected;
        int unlogged;
        String last;
        long loggedAt;
    }

    /** @param what names the dialling side in log lines, e.g. "metadata fetch of &lt;hash&gt;" */
    DialFailures(String what, LongSupplier nanoTime) {
        this.what = what;
        this.nanoTime = nanoTime;
    }

    /** Records a failed dial (or a connection that ended before it gave anything) and logs it if due. */
    void failed(TransportAddress address, String reason) {
        Entry e = byAddress.computeIfAbsent(address, a -> new Entry());
        boolean log;
        int failures;
        int unlogged;
        synchronized (e) {
            e.failures++;
            e.last = reason;
            long now = nanoTime.getAsLong();
            log = e.failures == 1 || now - e.loggedAt >= LOG_EVERY_NANOS;
            if (log) {
                e.loggedAt = now;
                unlogged = e.unlogged;
                e.unlogged = 0;
            } else {
                e.unlogged++;
                unlogged = 0;
            }
            failures = e.failures;
        }
        if (log) {
            LOG.log(Level.INFO, "{0}: peer {1} failed ({2}{3}): {4}", new Object[] {what, address,
                    failures == 1 ? "first time" : failures + " times", unlogged > 0 ? ", " + unlogged
                            + " not logged since the last line" : "", reason});
        }
    }

    /** Records a dial that connected (it may still end before it gave anything: then {@link #failed}). */
    void connected(TransportAddress address) {
        Entry e = byAddress.computeIfAbsent(address, a -> new Entry());
        synchronized (e) {
            e.connected++;
        }
    }

    /** Every address dialled, with its counts and last failure, for an error message. */
    String summary() {
        if (byAddress.isEmpty()) {
            return "no peer dialled";
        }
        StringBuilder s = new StringBuilder();
        byAddress.forEach((address, e) -> {
            synchronized (e) {
                s.append(s.isEmpty() ? "" : "; ").append(address).append(": connected ").append(e.connected)
                        .append("x, failed ").append(e.failures).append('x');
                if (e.last != null) {
                    s.append(", last: ").append(e.last);
                }
            }
        });
        return s.toString();
    }

    /** The reason chain of a failure in one line: each distinct message, with a transport failure's reason. */
    static String reason(Throwable failure) {
        StringBuilder s = new StringBuilder();
        java.util.Set<Throwable> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
            if (t instanceof java.util.concurrent.CompletionException && t.getCause() != null) {
                continue;
            }
            String message = t instanceof TransportException te ? te.reason() + " " + te.getMessage()
                    : t.getMessage() == null ? t.getClass().getSimpleName() : t.getClass().getSimpleName() + ": "
                            + t.getMessage();
            if (s.indexOf(message) < 0) {
                s.append(s.isEmpty() ? "" : " <- ").append(message);
            }
        }
        return s.toString();
    }
}
