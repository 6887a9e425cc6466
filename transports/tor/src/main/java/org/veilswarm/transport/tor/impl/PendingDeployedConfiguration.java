package org.veilswarm.transport.tor.impl;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * A configuration file for a PID lying in the node's hot-deployment directory (Apache FileInstall,
 * {@code felix.fileinstall.dir}: {@code <pid>.cfg} or {@code <pid>.config}) while the component runs without any
 * configuration. FileInstall applies such a file a moment after the bundles of a starting node are active (its
 * first scan runs on its own thread), so a component that acted on its defaults meanwhile would do something the
 * operator's file was there to prevent: for the tor transport, launch a tor for the public Tor network.
 */
final class PendingDeployedConfiguration {
    /** The framework property naming FileInstall's directory (the launcher sets it to the node's deploy directory). */
    static final String FILEINSTALL_DIR = "felix.fileinstall.dir";
    /** Configuration Admin puts the PID into the properties of a configured component (OSGi Compendium 104.3). */
    private static final String SERVICE_PID = "service.pid";

    private PendingDeployedConfiguration() {
    }

    /**
     * The deployed file for {@code pid}, if the component got no configuration ({@code properties} hold no
     * {@code service.pid}) although such a file exists in {@code deployDirectory} (null or blank: no FileInstall).
     */
    static Optional<Path> find(String pid, Map<String, ?> properties, String deployDirectory) {
        if (properties.containsKey(SERVICE_PID) || deployDirectory == null || deployDirectory.isBlank()) {
            return Optional.empty();
        }
        Path dir = Path.of(deployDirectory);
        for (String suffix : new String[] {".cfg", ".config"}) {
            Path file = dir.resolve(pid + suffix);
            if (Files.isRegularFile(file)) {
                return Optional.of(file);
            }
        }
        return Optional.empty();
    }
}
