package org.veilswarm.transport.onion.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.veilswarm.api.directory.DirectoryScheme;
import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.api.directory.RelayFlag;
import org.veilswarm.api.directory.SignedRelayDescriptor;
import org.veilswarm.crypto.Ed25519KeyPair;
import org.veilswarm.transport.onion.circuit.RelayTarget;

/**
 * Keeps this node's relay listed: signs its descriptor and publishes it through every bound directory
 * scheme (issue #4 item 2: "relays upload descriptors to all authorities"), retrying with back-off until a
 * majority accepted it, then again on schedule with a strictly newer {@code published} time (authorities
 * refuse a descriptor that is not newer than the one they hold, docs/protocols/directory-consensus.md §1.1).
 *
 * <p>Everyone in a fresh network starts at once, so the first uploads usually fail (authorities not
 * listening yet): the back-off starts short. The relay's identity key is derived again for every signature
 * and destroyed right after, so no long-lived copy of it sits in memory.
 *
 * <p>The document format belongs to directory-core, which this bundle imports optionally: this class is only
 * loaded once a scheme is bound, and a bundle implementing a scheme brings directory-core with it.
 */
final class RelayDescriptorPublisher implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(RelayDescriptorPublisher.class.getName());

    /** When and what to publish. */
    record Settings(Duration republishInterval, Duration firstRetry, Duration maxRetry, long advertisedBandwidth,
            Set<RelayFlag> claimedFlags, String version) {
        Settings {
            Objects.requireNonNull(republishInterval, "republishInterval");
            Objects.requireNonNull(firstRetry, "firstRetry");
            Objects.requireNonNull(maxRetry, "maxRetry");
            if (republishInterval.isNegative() || republishInterval.isZero() || firstRetry.isNegative()
                    || firstRetry.isZero() || maxRetry.compareTo(firstRetry) < 0) {
                throw new IllegalArgumentException("publish intervals must be positive and maxRetry >= firstRetry");
            }
            if (advertisedBandwidth < 0) {
                throw new IllegalArgumentException("advertisedBandwidth cannot be negative");
            }
            claimedFlags = claimedFlags.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(claimedFlags));
            Objects.requireNonNull(version, "version");
        }
    }

    /** Flags named in configuration; only the ones a relay may claim (authorities measure the rest). */
    static Set<RelayFlag> claimedFlags(String[] names) {
        Set<RelayFlag> flags = EnumSet.noneOf(RelayFlag.class);
        for (String name : names) {
            String n = name.trim().toUpperCase(java.util.Locale.ROOT);
            if (!n.equals("GUARD") && !n.equals("HSDIR")) {
                throw new IllegalArgumentException("claimedFlags: '" + name + "' cannot be claimed (GUARD or HSDIR)");
            }
            flags.add(RelayFlag.valueOf(n));
        }
        return flags;
    }

    private final Supplier<Optional<RelayTarget>> target;
    private final Supplier<Ed25519KeyPair> identityKey;
    private final Settings settings;
    private final Clock clock;
    private final ScheduledExecutorService timer;
    private final Map<DirectoryScheme, Publication> publications = new IdentityHashMap<>();
    private Instant lastPublished = Instant.EPOCH;
    private boolean closed;

    /**
     * @param target the relay as clients reach it; empty while not relaying (nothing is published then)
     * @param identityKey derives the relay's identity key pair; the publisher destroys each one after use
     */
    RelayDescriptorPublisher(Supplier<Optional<RelayTarget>> target, Supplier<Ed25519KeyPair> identityKey,
            Settings settings, Clock clock) {
        this.target = Objects.requireNonNull(target, "target");
        this.identityKey = Objects.requireNonNull(identityKey, "identityKey");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "veilswarm-onion-descriptor-publisher");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts publishing through {@code scheme} now (a newly bound scheme learns of this relay at once). The target is
     * asked before the lock is taken, for the reason {@link #sign} gives.
     */
    void schemeBound(DirectoryScheme scheme) {
        if (target.get().isEmpty()) {
            return;
        }
        synchronized (this) {
            if (closed || publications.containsKey(scheme)) {
                return;
            }
            Publication p = new Publication(scheme);
            publications.put(scheme, p);
            p.schedule(Duration.ZERO);
        }
    }

    /** Stops publishing through {@code scheme}; an upload in flight finishes but is not retried. */
    synchronized void schemeUnbound(DirectoryScheme scheme) {
        Publication p = publications.remove(scheme);
        if (p != null) {
            p.cancel();
        }
    }

    /** When each bound scheme last accepted this relay's descriptor (absent: not yet). */
    synchronized Map<String, Instant> accepted() {
        Map<String, Instant> out = new java.util.TreeMap<>();
        publications.values().forEach(p -> {
            if (p.acceptedAt != null) {
                out.put(p.scheme.name(), p.acceptedAt);
            }
        });
        return out;
    }

    /**
     * The descriptor this relay publishes now, signed; empty while not relaying. Only the publication time is
     * taken under the publisher's lock: signing loads classes of other bundles, which during a bundle refresh waits
     * for the framework's global lock, and the refresh, holding it, calls {@link #close} (a deadlock that hung an
     * onion refresh in session 19's CI).
     */
    Optional<SignedRelayDescriptor> sign() {
        Optional<RelayTarget> relay = target.get();
        if (relay.isEmpty()) {
            return Optional.empty();
        }
        Instant published = nextPublished();
        RelayTarget r = relay.get();
        RelayDescriptor descriptor = new RelayDescriptor(r.identity(), r.ntorOnionKey(), List.of(r.address()),
                settings.advertisedBandwidth(), settings.advertisedBandwidth(), Set.of(), settings.version(),
                settings.claimedFlags(), published);
        Ed25519KeyPair key = identityKey.get();
        try {
            return Optional.of(org.veilswarm.directory.core.RelayDescriptorDocument.sign(descriptor, key));
        } finally {
            key.destroy();
        }
    }

    /**
     * Whole seconds (the document's resolution) and strictly after the previous one, or authorities holding the
     * previous descriptor would refuse this one as stale.
     */
    private synchronized Instant nextPublished() {
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        lastPublished = now.isAfter(lastPublished) ? now : lastPublished.plusSeconds(1);
        return lastPublished;
    }

    @Override
    public synchronized void close() {
        closed = true;
        publications.values().forEach(Publication::cancel);
        publications.clear();
        timer.shutdownNow();
    }

    /** One scheme's upload cycle: publish, retry with doubling delays, then republish on schedule. */
    private final class Publication {
        private final DirectoryScheme scheme;
        private ScheduledFuture<?> next;
        /** The upload under way, if any. */
        private java.util.concurrent.CompletableFuture<Void> upload;
        private Duration retry = settings.firstRetry();
        private Instant acceptedAt;
        private boolean cancelled;

        Publication(DirectoryScheme scheme) {
            this.scheme = scheme;
        }

        /** Caller holds the publisher's lock. */
        void schedule(Duration delay) {
            if (!cancelled && !closed) {
                next = timer.schedule(this::publish, delay.toMillis(), TimeUnit.MILLISECONDS);
            }
        }

        void cancel() {
            cancelled = true;
            if (next != null) {
                next.cancel(false);
            }
            // An upload to an authority that does not answer lasts until the scheme's timeout; cancelling it here
            // drops its callback, which holds this publication and so this transport's bundle revision.
            if (upload != null) {
                upload.cancel(false);
            }
        }

        /**
         * A copy of the scheme's upload: cancelling it must not complete the scheme's own future, and until that
         * completes it holds only JDK objects of ours.
         */
        private java.util.concurrent.CompletableFuture<Void> uploadOf(SignedRelayDescriptor signed) {
            try {
                return scheme.publish(signed).toCompletableFuture().copy();
            } catch (RuntimeException e) {
                return java.util.concurrent.CompletableFuture.failedFuture(e);
            }
        }

        private void publish() {
            SignedRelayDescriptor signed;
            try {
                Optional<SignedRelayDescriptor> s = sign();
                if (s.isEmpty()) {
                    return;
                }
                signed = s.get();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "cannot sign this relay's descriptor: " + e.getMessage(), e);
                return;
            }
            java.util.concurrent.CompletableFuture<Void> started = uploadOf(signed);
            synchronized (RelayDescriptorPublisher.this) {
                if (cancelled || closed) {
                    started.cancel(false);
                    return;
                }
                upload = started;
            }
            started.whenComplete((ok, error) -> {
                synchronized (RelayDescriptorPublisher.this) {
                    if (upload == started) {
                        upload = null;
                    }
                    if (error instanceof java.util.concurrent.CancellationException) {
                        return;
                    }
                    if (error == null) {
                        acceptedAt = clock.instant();
                        retry = settings.firstRetry();
                        LOG.log(Level.INFO, "relay descriptor accepted by the {0} directory", scheme.name());
                        schedule(settings.republishInterval());
                    } else {
                        Throwable cause = error instanceof java.util.concurrent.CompletionException
                                && error.getCause() != null ? error.getCause() : error; // the copy wraps it
                        LOG.log(Level.INFO, "relay descriptor not accepted by the {0} directory yet ({1}); retrying in {2}",
                                new Object[] {scheme.name(), cause.getMessage(), retry});
                        schedule(retry);
                        Duration doubled = retry.multipliedBy(2);
                        retry = doubled.compareTo(settings.maxRetry()) > 0 ? settings.maxRetry() : doubled;
                    }
                }
            });
        }
    }
}
