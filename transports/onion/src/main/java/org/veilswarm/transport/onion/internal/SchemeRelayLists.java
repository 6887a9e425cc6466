package org.veilswarm.transport.onion.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.veilswarm.api.directory.RelayFlag;
import org.veilswarm.api.directory.RelayList;
import org.veilswarm.transport.onion.service.HsDirList;

/**
 * The {@link RelayList}s of the bound directory schemes, by scheme name, and the {@link HsDirList} onion
 * services build their hash ring from (rend-spec-v3 §2.2.3): the HSDir-flagged relays of the scheme circuits use
 * right now, exactly as that scheme verified them; a scheme without a list (or none bound) falls back to
 * {@code fallback} (sampling, which may miss relays). Asked at each call, so a scheme swap changes the ring's
 * source for the next publication or fetch. Thread-safe.
 */
final class SchemeRelayLists {
    private final Map<String, RelayList> lists = new LinkedHashMap<>();

    synchronized void add(String scheme, RelayList list) {
        lists.put(Objects.requireNonNull(scheme, "scheme"), Objects.requireNonNull(list, "list"));
    }

    /** Removes the scheme's list if it is still {@code list} (a replacement may have been added first). */
    synchronized void remove(String scheme, RelayList list) {
        lists.remove(scheme, list);
    }

    synchronized Optional<RelayList> of(String scheme) {
        return Optional.ofNullable(lists.get(scheme));
    }

    /**
     * @param currentScheme the scheme circuits use now (empty when none is bound)
     * @param fallback used when that scheme offers no list
     */
    HsDirList hsDirs(Supplier<Optional<String>> currentScheme, HsDirList fallback) {
        Objects.requireNonNull(currentScheme, "currentScheme");
        Objects.requireNonNull(fallback, "fallback");
        return () -> {
            Optional<RelayList> list = currentScheme.get().flatMap(this::of);
            if (list.isEmpty()) {
                return fallback.hsDirs();
            }
            CompletionStage<Collection<org.veilswarm.api.directory.RelayDescriptor>> hsDirs = list.get()
                    .relaysWith(RelayFlag.HSDIR).thenApply(ArrayList::new);
            return hsDirs;
        };
    }
}
