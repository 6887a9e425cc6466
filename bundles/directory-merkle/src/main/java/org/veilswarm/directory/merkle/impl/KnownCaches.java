package org.veilswarm.directory.merkle.impl;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.directory.core.DirectoryQueries;

/**
 * The relay caches a merkle client asks: the most recent relays that verified answers proved (each one a leaf
 * under a majority-signed root, so the authorities list it), at most {@code max}, newest kept. A merkle client
 * holds no relay list, so this is how it learns caches: its first picks come from the bootstrap directories, and
 * every relay they prove becomes a cache to ask next (directory-merkle.md §6.2). Thread-safe.
 */
final class KnownCaches {
    private final int max;
    private final Function<RelayDescriptor, DirectoryQueries> connect;
    private final Map<RelayDescriptor.Key, DirectoryQueries> caches = new LinkedHashMap<>();

    KnownCaches(int max, Function<RelayDescriptor, DirectoryQueries> connect) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1");
        }
        this.max = max;
        this.connect = Objects.requireNonNull(connect, "connect");
    }

    /** Remembers a relay a verified answer proved; the oldest one goes when more than {@code max} are known. */
    synchronized void learn(RelayDescriptor relay) {
        RelayDescriptor.Key key = relay.identityKey();
        DirectoryQueries known = caches.remove(key);
        caches.put(key, known != null ? known : connect.apply(relay));
        if (caches.size() > max) {
            caches.remove(caches.keySet().iterator().next());
        }
    }

    synchronized List<DirectoryQueries> queries() {
        return List.copyOf(caches.values());
    }
}
