package org.veilswarm.directory.core;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * The directories a client asks, in two tiers (dir-spec §4 and §5: clients fetch from directory caches; the
 * authorities and fallback directories are only for bootstrapping). <b>Caches</b> are relays the client learned
 * from a verified directory, reached over directory streams; they are asked first, at random, up to
 * {@code cacheAttempts} of them per request. <b>Bootstrap</b> directories (the configured authorities or
 * fallbacks) are asked when the client knows no cache yet, or when no cache it tried answered with something
 * that verifies. Nothing a cache says is trusted more than what an authority says: the client verifies every
 * answer and marks a cache that lied ({@link BadDirectories}) like any other directory.
 *
 * @param <T> the client's directory handle
 */
public final class DirectoryTiers<T> {
    /** How long a relay that answered no directory request is not asked again, by default. */
    public static final Duration DEFAULT_SKIP = Duration.ofMinutes(10);

    /** Caches asked per request before falling back to the bootstrap directories. */
    public static final int DEFAULT_CACHE_ATTEMPTS = 3;

    private final Supplier<List<T>> caches;
    private final List<T> bootstrap;
    private final Function<T, String> name;
    private final int cacheAttempts;
    private final Predicate<Throwable> noCache;
    private final Duration skipFor;
    private final Map<String, Instant> skipped = new ConcurrentHashMap<>();

    /**
     * @param caches the caches known now (asked at every choice: the client's verified directory changes)
     * @param bootstrap the configured directories, never empty
     * @param name a directory's name, for the bad-directory marks
     * @param cacheAttempts caches tried per request before the bootstrap tier
     */
    public DirectoryTiers(Supplier<List<T>> caches, List<T> bootstrap, Function<T, String> name, int cacheAttempts) {
        this(caches, bootstrap, name, cacheAttempts, error -> false, DEFAULT_SKIP);
    }

    /**
     * @param noCache whether a request's failure says the relay serves no directory (its stream was refused or
     *        closed unanswered, or the relay was not reached), rather than an answer with an error status
     * @param skipFor how long such a relay is not asked again
     */
    public DirectoryTiers(Supplier<List<T>> caches, List<T> bootstrap, Function<T, String> name, int cacheAttempts,
            Predicate<Throwable> noCache, Duration skipFor) {
        this.noCache = Objects.requireNonNull(noCache, "noCache");
        this.skipFor = Objects.requireNonNull(skipFor, "skipFor");
        this.caches = Objects.requireNonNull(caches, "caches");
        this.bootstrap = List.copyOf(bootstrap);
        this.name = Objects.requireNonNull(name, "name");
        if (cacheAttempts < 0) {
            throw new IllegalArgumentException("cacheAttempts cannot be negative");
        }
        this.cacheAttempts = cacheAttempts;
    }

    /** Only {@code directories}, no caches (a client configured with fixed directories, as before caches). */
    public static <T> DirectoryTiers<T> fixed(List<T> directories, Function<T, String> name) {
        return new DirectoryTiers<>(List::of, directories, name, 0);
    }

    public String name(T directory) {
        return name.apply(directory);
    }

    /** The caches known now. */
    public List<T> caches() {
        return List.copyOf(caches.get());
    }

    public List<T> bootstrap() {
        return bootstrap;
    }

    /**
     * Chooses, at random, a directory not marked bad and not in {@code tried}: a cache while fewer than
     * {@code cacheAttempts} caches were tried for this request and one is left, else a bootstrap directory;
     * null when none is left. On a request's first choice ({@code tried} empty) every mark is forgotten if
     * every directory is marked, so a client never locks itself out for good.
     */
    public T choose(List<T> tried, BadDirectories bad, Instant now, RandomGenerator random) {
        List<T> cacheTier = caches.get();
        if (tried.isEmpty()) {
            List<String> all = new ArrayList<>(cacheTier.size() + bootstrap.size());
            cacheTier.forEach(d -> all.add(name.apply(d)));
            bootstrap.forEach(d -> all.add(name.apply(d)));
            bad.forgetIfAllBad(all, now);
        }
        long cachesTried = tried.stream().filter(cacheTier::contains).count();
        if (cachesTried < cacheAttempts) {
            T cache = pick(cacheTier.stream().filter(d -> !isSkipped(d, now)).toList(), tried, bad, now, random);
            if (cache != null) {
                return cache;
            }
        }
        return pick(bootstrap, tried, bad, now, random);
    }

    /**
     * A request to {@code directory} failed with {@code error}. A cache whose failure says it serves no directory
     * (every listed relay is asked, and a relay that is no cache refuses or closes the stream) is not asked again
     * for {@code skipFor}, so a client does not pay a circuit to it at every request. Not a mark of lying.
     */
    public void failed(T directory, Throwable error, Instant now) {
        if (isCache(directory) && noCache.test(error)) {
            skipped.put(name.apply(directory), now.plus(skipFor));
        }
    }

    /** Caches skipped now for answering nothing. */
    public int skippedCaches(Instant now) {
        skipped.values().removeIf(until -> !now.isBefore(until));
        return skipped.size();
    }

    /** Whether {@code directory} is one of the caches known now. */
    public boolean isCache(T directory) {
        return caches.get().contains(directory);
    }

    private boolean isSkipped(T directory, Instant now) {
        Instant until = skipped.get(name.apply(directory));
        return until != null && now.isBefore(until);
    }

    private T pick(List<T> tier, List<T> tried, BadDirectories bad, Instant now, RandomGenerator random) {
        List<T> usable = new ArrayList<>();
        for (T d : tier) {
            if (!bad.isBad(name.apply(d), now) && !tried.contains(d)) {
                usable.add(d);
            }
        }
        return usable.isEmpty() ? null : usable.get(random.nextInt(usable.size()));
    }
}
