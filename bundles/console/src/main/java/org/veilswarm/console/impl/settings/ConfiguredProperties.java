package org.veilswarm.console.impl.settings;

import java.io.IOException;
import java.util.Optional;

/**
 * Reads other bundles' configuration without naming Configuration Admin types, so a class that only reads (the
 * directory view) loads and works on a node without Configuration Admin (its package is an optional import).
 */
public interface ConfiguredProperties {

    /** A property of {@code pid} as Configuration Admin holds it; empty when the PID or property is unset. */
    Optional<Object> configuredProperty(String pid, String property) throws IOException;
}
