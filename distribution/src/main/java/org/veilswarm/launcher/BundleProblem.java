package org.veilswarm.launcher;

import java.util.Objects;

/**
 * A bundle that a feature lists but that is not working: it did not resolve (with the requirements that
 * nothing provides), or its activator failed.
 *
 * @param bundleId the framework's bundle id
 * @param symbolicName the Bundle-SymbolicName
 * @param version the Bundle-Version
 * @param location where the launcher installed it from (a {@code veilswarm:bundle:} location)
 * @param state INSTALLED, RESOLVED, STARTING, ...
 * @param reason what went wrong, for example {@code missing requirement osgi.wiring.package; (osgi.wiring.package=x)}
 */
public record BundleProblem(long bundleId, String symbolicName, String version, String location, String state,
        String reason) {

    public BundleProblem {
        Objects.requireNonNull(symbolicName, "symbolicName");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(reason, "reason");
    }

    @Override
    public String toString() {
        return "bundle " + bundleId + " " + symbolicName + " " + version + " [" + state + "]: " + reason;
    }
}
