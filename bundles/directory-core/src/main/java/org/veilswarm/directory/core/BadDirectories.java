package org.veilswarm.directory.core;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Directories a client caught serving something that can only be a lie (malformed, forged, minority-signed,
 * a wrong proof), remembered for a while (docs/protocols/directory-consensus.md §6). Marks expire after
 * {@code markFor}, and all are forgotten when every directory carries one: a client must never lock itself
 * out for good, e.g. after a bug or a change of the authority set. A list that is merely expired or not yet
 * valid is no lie (a directory a little behind or ahead at a period change) and is never marked.
 * Thread-safe.
 */
public final class BadDirectories {
    /** One default voting interval. */
    public static final Duration DEFAULT_MARK = Duration.ofHours(1);

    private final Duration markFor;
    private final Map<String, Instant> until = new ConcurrentHashMap<>();

    public BadDirectories(Duration markFor) {
        this.markFor = Objects.requireNonNull(markFor, "markFor");
        if (markFor.isNegative() || markFor.isZero()) {
            throw new IllegalArgumentException("markFor must be positive");
        }
    }

    /** Whether {@code outcome} blames the directory that served it (anything but ACCEPTED and the validity ones). */
    public static boolean blames(HeaderVerification.Outcome outcome) {
        return switch (outcome) {
            case MALFORMED, DUPLICATE_SIGNATURE, NO_MAJORITY -> true;
            case ACCEPTED, NOT_YET_VALID, EXPIRED -> false;
        };
    }

    public void mark(String directory, Instant now) {
        until.put(directory, now.plus(markFor));
    }

    public boolean isBad(String directory, Instant now) {
        Instant end = until.get(directory);
        if (end != null && !now.isBefore(end)) {
            until.remove(directory, end);
            return false;
        }
        return end != null;
    }

    /** Directories marked now. */
    public Set<String> names(Instant now) {
        return until.keySet().stream().filter(d -> isBad(d, now)).collect(Collectors.toUnmodifiableSet());
    }

    /** Forgets every mark when each of {@code all} is marked; returns whether it did. */
    public boolean forgetIfAllBad(Collection<String> all, Instant now) {
        if (!all.isEmpty() && all.stream().allMatch(d -> isBad(d, now))) {
            until.clear();
            return true;
        }
        return false;
    }
}
