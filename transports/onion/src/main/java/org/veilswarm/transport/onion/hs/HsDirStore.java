package org.veilswarm.transport.onion.hs;

import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The descriptor cache of an HSDir (rend-spec-v3 §2.2.5, §2.4). A descriptor is accepted only if it parses,
 * is at most 50 KB, and its signing-key certificate and signature verify (an HSDir knows the blinded key
 * from the certificate, never the onion address). It replaces a stored descriptor for the same blinded key
 * only with a strictly higher revision counter, as C tor's cache does, so an old copy cannot be replayed
 * over a newer one. Entries live {@code descriptor-lifetime} minutes from upload, never past the
 * certificate's expiry. Bounds on the number of entries and their total bytes keep memory fixed: when full,
 * expired entries are dropped and then new keys are refused (never evicting live descriptors, which would
 * let a flood push honest services out). Thread-safe.
 */
public final class HsDirStore {
    /** Capacity bounds. */
    public record Limits(int maxDescriptors, long maxTotalBytes) {
        /** 10,000 descriptors and 64 MiB: far above what a small network stores, small for a relay. */
        public static final Limits DEFAULT = new Limits(10_000, 64L * 1024 * 1024);

        public Limits {
            if (maxDescriptors < 1 || maxTotalBytes < HsDescriptor.MAX_SIZE) {
                throw new IllegalArgumentException("at least one descriptor of the maximum size must fit");
            }
        }
    }

    /** Why a publish was refused beyond the descriptor itself being invalid. */
    public enum Refusal {
        /** A descriptor with this or a higher revision counter is already stored. */
        STALE_REVISION,
        /** The store is at its bounds and nothing has expired. */
        FULL
    }

    /** A publish refused by the store's rules, not by the descriptor's validity. */
    public static final class RefusedException extends Exception {
        private static final long serialVersionUID = 1L;
        private final Refusal refusal;

        RefusedException(Refusal refusal, String message) {
            super(refusal + ": " + message);
            this.refusal = refusal;
        }

        public Refusal refusal() {
            return refusal;
        }
    }

    private record Entry(byte[] document, long revision, Instant expires) {
    }

    private final Clock clock;
    private final Limits limits;
    private final Map<ByteBuffer, Entry> entries = new HashMap<>();
    private long totalBytes;

    public HsDirStore(Clock clock, Limits limits) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /**
     * Verifies and stores a descriptor; returns its blinded key.
     *
     * @throws DescriptorException if the descriptor is invalid (its reason says how)
     * @throws RefusedException if the store's rules refuse it
     */
    public synchronized byte[] publish(byte[] document) throws DescriptorException, RefusedException {
        Instant now = clock.instant();
        HsDescriptor descriptor = HsDescriptor.parse(document);
        byte[] blindedKey = descriptor.verify(now);
        ByteBuffer key = ByteBuffer.wrap(blindedKey.clone());
        Entry existing = entries.get(key);
        if (existing != null && !existing.expires().isBefore(now)
                && Long.compareUnsigned(descriptor.revisionCounter(), existing.revision()) <= 0) {
            throw new RefusedException(Refusal.STALE_REVISION, "stored revision "
                    + Long.toUnsignedString(existing.revision()) + " is not older than "
                    + Long.toUnsignedString(descriptor.revisionCounter()));
        }
        long added = document.length - (existing == null ? 0 : existing.document().length);
        if (existing == null && entries.size() >= limits.maxDescriptors()
                || totalBytes + added > limits.maxTotalBytes()) {
            expire();
            existing = entries.get(key);
            added = document.length - (existing == null ? 0 : existing.document().length);
            if (existing == null && entries.size() >= limits.maxDescriptors()
                    || totalBytes + added > limits.maxTotalBytes()) {
                throw new RefusedException(Refusal.FULL, entries.size() + " descriptors, " + totalBytes + " bytes");
            }
        }
        Instant expires = now.plus(Duration.ofMinutes(descriptor.lifetimeMinutes()));
        Instant certExpiry = descriptor.signingKeyCert().expiration();
        entries.put(key, new Entry(document.clone(), descriptor.revisionCounter(),
                expires.isAfter(certExpiry) ? certExpiry : expires));
        totalBytes += added;
        return blindedKey;
    }

    /** The stored, unexpired descriptor for a blinded key. */
    public synchronized Optional<byte[]> fetch(byte[] blindedKey) {
        HsKeys.requireKey(blindedKey, "blinded key");
        Entry entry = entries.get(ByteBuffer.wrap(blindedKey));
        if (entry == null || entry.expires().isBefore(clock.instant())) {
            return Optional.empty();
        }
        return Optional.of(entry.document().clone());
    }

    /** Drops expired descriptors; returns how many. */
    public synchronized int expire() {
        Instant now = clock.instant();
        int before = entries.size();
        entries.values().removeIf(entry -> {
            boolean expired = entry.expires().isBefore(now);
            if (expired) {
                totalBytes -= entry.document().length;
            }
            return expired;
        });
        return before - entries.size();
    }

    public synchronized int size() {
        return entries.size();
    }

    public synchronized long totalBytes() {
        return totalBytes;
    }
}
