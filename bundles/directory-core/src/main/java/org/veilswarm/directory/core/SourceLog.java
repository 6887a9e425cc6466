package org.veilswarm.directory.core;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Where a client's directory documents came from: how many verified answers, and how many bytes, relay caches
 * and bootstrap directories (authorities, fallbacks) served, which directory served last, and how many caches
 * were marked bad. Logs when a kind of request moves from one tier to the other (the fallback to the authorities
 * and the return to caches) and every directory caught serving something that failed verification. The scheme's
 * status shows {@link #summary()}. Thread-safe.
 */
public final class SourceLog {
    private static final System.Logger LOG = System.getLogger("org.veilswarm.directory.client");

    private final String scheme;
    private final LongAdder cacheAnswers = new LongAdder();
    private final LongAdder cacheBytes = new LongAdder();
    private final LongAdder bootstrapAnswers = new LongAdder();
    private final LongAdder bootstrapBytes = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final LongAdder lies = new LongAdder();
    private final Map<String, Boolean> lastTier = new ConcurrentHashMap<>();
    private volatile String lastSource = "none yet";

    /** @param scheme the scheme's name, for log lines */
    public SourceLog(String scheme) {
        this.scheme = Objects.requireNonNull(scheme, "scheme");
    }

    /** A verified answer of {@code bytes} bytes to a {@code what} request (e.g. "find", "header"). */
    public void served(String what, String directory, boolean cache, long bytes) {
        (cache ? cacheAnswers : bootstrapAnswers).increment();
        (cache ? cacheBytes : bootstrapBytes).add(bytes);
        lastSource = (cache ? "relay " : "bootstrap directory ") + directory;
        Boolean before = lastTier.put(what, cache);
        if (before == null || before != cache) {
            LOG.log(System.Logger.Level.INFO, () -> scheme + ": " + what + " now served by "
                    + (cache ? "relay " + directory + " over a directory stream"
                            : "bootstrap directory " + directory + (before == null ? ""
                                    : " (no relay cache answered with something that verifies)")));
        }
    }

    /** The directory could not be reached or did not answer: skipped for this request, not blamed. */
    public void unreachable(String what, String directory, boolean cache, Throwable why) {
        failures.increment();
        LOG.log(System.Logger.Level.DEBUG, () -> scheme + ": " + (cache ? "relay " : "directory ") + directory
                + " did not answer " + what + ": " + why.getMessage() + "; asking another");
    }

    /** The answer was no lie but not usable now (a document expired or not yet valid): skipped, not blamed. */
    public void skipped(String what, String directory, boolean cache, String why) {
        failures.increment();
        LOG.log(System.Logger.Level.INFO, () -> scheme + ": " + (cache ? "relay " : "directory ") + directory
                + " served a " + what + " that is " + why + "; asking another");
    }

    /** The answer failed verification: the directory was marked bad. */
    public void markedBad(String what, String directory, boolean cache, String why) {
        lies.increment();
        LOG.log(System.Logger.Level.WARNING, () -> scheme + ": " + (cache ? "relay " : "directory ") + directory
                + " answered " + what + " with something that failed verification (" + why
                + "): marked bad, asking another");
    }

    public long cacheAnswers() {
        return cacheAnswers.sum();
    }

    public long cacheBytes() {
        return cacheBytes.sum();
    }

    public long bootstrapAnswers() {
        return bootstrapAnswers.sum();
    }

    public long bootstrapBytes() {
        return bootstrapBytes.sum();
    }

    /** Answers that failed verification (each marked its directory bad). */
    public long lies() {
        return lies.sum();
    }

    /** Directories that were unreachable or served an expired / not yet valid document. */
    public long failures() {
        return failures.sum();
    }

    /** The directory that served the last verified answer. */
    public String lastSource() {
        return lastSource;
    }

    /** One line for the scheme's status. */
    public String summary() {
        return "verified answers from relay caches: " + cacheAnswers.sum() + " (" + cacheBytes.sum()
                + " B), from bootstrap directories: " + bootstrapAnswers.sum() + " (" + bootstrapBytes.sum()
                + " B); last from " + lastSource + "; " + lies.sum() + " failed verification, " + failures.sum()
                + " unreachable or out of date";
    }
}
