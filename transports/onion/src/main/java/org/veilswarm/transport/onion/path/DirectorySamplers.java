package org.veilswarm.transport.onion.path;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.veilswarm.api.directory.DirectoryException;
import org.veilswarm.api.directory.PathConstraints;
import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.api.directory.RelayRole;
import org.veilswarm.api.directory.RelaySampler;

/**
 * The relay samplers the directory schemes offer (each under its {@code directory.scheme}), and the one
 * this node uses: the configured scheme's, or, with no scheme configured, the first bound. Samplers come
 * and go at run time (a scheme bundle installed or stopped): {@link #sampler()} always asks the current
 * one, so new circuits use the new directory and running circuits are unaffected. Thread-safe.
 */
public final class DirectorySamplers {
    private final String wantedScheme;
    private final Map<RelaySampler, String> bound = new LinkedHashMap<>();

    /** @param wantedScheme the scheme to use ({@code merkle}, {@code consensus}), or empty for any */
    public DirectorySamplers(String wantedScheme) {
        this.wantedScheme = Objects.requireNonNull(wantedScheme, "wantedScheme").trim();
    }

    public synchronized void add(RelaySampler sampler, String scheme) {
        bound.put(Objects.requireNonNull(sampler, "sampler"), scheme == null ? "" : scheme);
    }

    public synchronized void remove(RelaySampler sampler) {
        bound.remove(sampler);
    }

    /** The scheme of the sampler in use, if any is. */
    public synchronized Optional<String> currentScheme() {
        return current().map(bound::get);
    }

    private synchronized Optional<RelaySampler> current() {
        return bound.entrySet().stream().filter(e -> wantedScheme.isEmpty() || wantedScheme.equals(e.getValue()))
                .map(Map.Entry::getKey).findFirst();
    }

    /** For status pages: which directory is in use, or why none is. */
    public synchronized String describe() {
        return currentScheme().map(s -> "directory " + (s.isEmpty() ? "(unnamed scheme)" : s) + " bound")
                .orElse(wantedScheme.isEmpty() ? "no directory bound" : "no " + wantedScheme + " directory bound"
                        + (bound.isEmpty() ? "" : " (others: " + bound.values() + ")"));
    }

    /**
     * A sampler that asks whichever sampler is current at each pick, and fails with a
     * {@link DirectoryException} naming the missing directory when none is.
     */
    public RelaySampler sampler() {
        return new RelaySampler() {
            @Override
            public CompletionStage<RelayDescriptor> pick(RelayRole role, PathConstraints constraints) {
                Optional<RelaySampler> now = current();
                return now.isPresent() ? now.get().pick(role, constraints)
                        : CompletableFuture.failedFuture(new DirectoryException("cannot pick relays: " + describe()
                                + " (install and configure directory-merkle or directory-consensus)"));
            }
        };
    }
}
