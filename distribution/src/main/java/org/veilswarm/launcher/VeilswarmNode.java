package org.veilswarm.launcher;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.osgi.framework.launch.Framework;
import org.veilswarm.launcher.internal.FrameworkProperties;
import org.veilswarm.launcher.internal.NodeRuntime;
import org.veilswarm.launcher.internal.NodeSettings;
import org.veilswarm.launcher.internal.PrivateDirectory;

/**
 * One Veilswarm node: an Apache Felix framework running the bundles of the chosen features.
 *
 * <pre>{@code
 * VeilswarmNode node = VeilswarmNode.builder()
 *         .dataDirectory(Path.of("/var/lib/veilswarm"))
 *         .features("core", "console", "transport-direct")
 *         .bundleSource(BundleSource.mavenRepository(Path.of("/opt/veilswarm/bundles")))
 *         .featureSource(FeatureSource.directory(Path.of("/opt/veilswarm/features")))
 *         .consolePort(8427)
 *         .build();
 * node.start();
 * URI console = node.consoleUrl(Duration.ofSeconds(30));
 * ...
 * node.stop();
 * }</pre>
 *
 * <p>{@link #start()} is idempotent across processes: the framework cache in the data directory is kept,
 * bundles already installed from the same jar are not reinstalled, and configurations stay in
 * Configuration Admin. It fails loudly: a taken console port, a missing bundle, or a bundle that does not
 * resolve or start ends in a {@link VeilswarmLaunchException} that says which and why.
 *
 * <p>Thread-safe; one instance runs at most one framework at a time, and a data directory is used by at
 * most one running node (it is locked).
 */
public final class VeilswarmNode implements AutoCloseable {

    /** The feature holding the web console; the console port is checked only when it is chosen. */
    public static final String CONSOLE_FEATURE = "console";

    /** Console port when none is given (the project's registered default). */
    public static final int DEFAULT_CONSOLE_PORT = 8427;

    /** Console host when none is given: loopback only, as the design asks. */
    public static final String DEFAULT_CONSOLE_HOST = "127.0.0.1";

    private final NodeRuntime runtime;

    private VeilswarmNode(NodeRuntime runtime) {
        this.runtime = runtime;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Boots the framework, installs or updates the features' bundles, starts them in start-level order and
     * applies the configurations.
     *
     * @throws VeilswarmLaunchException if the node cannot start or a feature bundle does not resolve or start
     *         (unless {@link Builder#tolerateBundleProblems()}); the framework is stopped again in that case
     * @throws IllegalStateException if this node is already running
     */
    public void start() {
        runtime.start();
    }

    /**
     * Stops the framework and waits for it to finish (at most the builder's stop timeout). Does nothing if the
     * node is not running.
     */
    public void stop() {
        runtime.stop();
    }

    /** Same as {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }

    /**
     * Waits until the console has written {@code <data>/console.url}, which it does only once its HTTP port
     * really listens.
     *
     * @return {@code http://127.0.0.1:<port>/management/<token>}
     * @throws VeilswarmLaunchException if the console is not up within {@code timeout}: the message lists the
     *         bundles that did not resolve or start, and what else to check
     * @throws IllegalStateException if the node is not running
     */
    public URI consoleUrl(Duration timeout) {
        return runtime.consoleUrl(timeout);
    }

    /**
     * The node's onion address (rend-spec-v3 §6), waiting up to {@code timeout} for the node bundle to
     * publish its identity.
     *
     * @return empty if no identity service appeared in time
     */
    public Optional<String> address(Duration timeout) {
        return runtime.address(timeout);
    }

    /** The bundles the features list that are not ACTIVE (fragments: not RESOLVED) now, with the reason. */
    public List<BundleProblem> problems() {
        return runtime.problems();
    }

    /** The running framework, for vendors who need more than this API (services, events). */
    public Framework framework() {
        return runtime.framework();
    }

    /** Whether the framework is running. */
    public boolean isRunning() {
        return runtime.isRunning();
    }

    /**
     * Blocks until the framework stops, whoever stops it (this API, a shutdown hook, the console's "stop"
     * action), or {@code timeout} passes; a zero timeout waits indefinitely.
     *
     * @return whether it has stopped
     */
    public boolean awaitStop(Duration timeout) throws InterruptedException {
        return runtime.awaitStop(timeout);
    }

    /** The absolute data directory. */
    public Path dataDirectory() {
        return runtime.settings().dataDirectory();
    }

    /** The features this node runs, in the order given. */
    public List<String> features() {
        return runtime.settings().features();
    }

    /** Builds a {@link VeilswarmNode}; every setting but the bundle source has a default. */
    public static final class Builder {

        private Path dataDirectory = Path.of(System.getProperty("user.home"), ".veilswarm");
        private final List<String> features = new ArrayList<>(List.of("core"));
        private FeatureSource featureSource = FeatureSource.classpath(VeilswarmNode.class.getClassLoader());
        private BundleSource bundleSource;
        private int consolePort = DEFAULT_CONSOLE_PORT;
        private String consoleHost = DEFAULT_CONSOLE_HOST;
        private Path deployDirectory;
        private final Map<String, Map<String, Object>> configurations = new LinkedHashMap<>();
        private final Map<String, String> frameworkProperties = new LinkedHashMap<>();
        private boolean tolerateBundleProblems;
        private Duration stopTimeout = Duration.ofSeconds(30);

        private Builder() {
        }

        /** Where the node keeps its identity, configuration and framework cache; default {@code ~/.veilswarm}. */
        public Builder dataDirectory(Path directory) {
            this.dataDirectory = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /** The features to run, replacing the default ({@code core}); {@code core} is needed by all others. */
        public Builder features(String... names) {
            return features(List.of(names));
        }

        /** The features to run, replacing the default ({@code core}). */
        public Builder features(List<String> names) {
            if (names.isEmpty()) {
                throw new IllegalArgumentException("At least one feature is needed (normally 'core').");
            }
            names.forEach(n -> {
                if (n == null || n.isBlank()) {
                    throw new IllegalArgumentException("A feature name is empty: " + names);
                }
            });
            features.clear();
            features.addAll(names);
            return this;
        }

        /** Where feature files are found; default: {@code features/<name>.json} on the launcher's class path. */
        public Builder featureSource(FeatureSource source) {
            this.featureSource = Objects.requireNonNull(source, "source");
            return this;
        }

        /** Where bundle jars are found (required): for example the distribution's {@code bundles/}. */
        public Builder bundleSource(BundleSource source) {
            this.bundleSource = Objects.requireNonNull(source, "source");
            return this;
        }

        /** The console's TCP port, 1–65535; default 8427. */
        public Builder consolePort(int port) {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("Console port must be 1-65535, not " + port);
            }
            this.consolePort = port;
            return this;
        }

        /** The address the console binds to; default {@code 127.0.0.1} (loopback only). */
        public Builder consoleHost(String host) {
            if (host == null || host.isBlank()) {
                throw new IllegalArgumentException("Console host must not be empty");
            }
            this.consoleHost = host;
            return this;
        }

        /** The directory FileInstall watches for hot deployment; default {@code <data>/deploy}. */
        public Builder deployDirectory(Path directory) {
            this.deployDirectory = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /**
         * Configuration values for a PID ({@code factoryPid~name} for a factory configuration), written at
         * every start over what Configuration Admin holds; other keys of that configuration are kept.
         * Calling it again for the same PID adds to the values.
         */
        public Builder configuration(String pid, Map<String, ?> values) {
            if (pid == null || pid.isBlank()) {
                throw new IllegalArgumentException("Configuration PID must not be empty");
            }
            Map<String, Object> merged = configurations.computeIfAbsent(pid, p -> new LinkedHashMap<>());
            values.forEach((k, v) -> merged.put(Objects.requireNonNull(k, "key"),
                    Objects.requireNonNull(v, () -> "value of " + pid + "/" + k)));
            return this;
        }

        /**
         * An extra framework property. The properties the launcher derives from its own settings (data
         * directory, console host and port, deploy directory, storage) cannot be set this way.
         */
        public Builder frameworkProperty(String key, String value) {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
            if (FrameworkProperties.RESERVED.contains(key)) {
                throw new IllegalArgumentException("Framework property " + key + " is set by the launcher from its own"
                        + " settings: use dataDirectory, consolePort, consoleHost or deployDirectory instead.");
            }
            frameworkProperties.put(key, value);
            return this;
        }

        /**
         * Let {@link VeilswarmNode#start()} succeed even when feature bundles do not resolve or start; they are
         * still logged and reported by {@link VeilswarmNode#problems()}. Off by default.
         */
        public Builder tolerateBundleProblems() {
            this.tolerateBundleProblems = true;
            return this;
        }

        /** How long {@link VeilswarmNode#stop()} waits for the framework; default 30 s. */
        public Builder stopTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("Stop timeout must be positive");
            }
            this.stopTimeout = timeout;
            return this;
        }

        /**
         * @throws IllegalStateException if no bundle source was given
         * @throws VeilswarmLaunchException if the data directory cannot be created
         */
        public VeilswarmNode build() {
            if (bundleSource == null) {
                throw new IllegalStateException("bundleSource(...) is required: for example"
                        + " BundleSource.mavenRepository(Path.of(\"<distribution>/bundles\"))");
            }
            Path data = dataDirectory.toAbsolutePath().normalize();
            try {
                PrivateDirectory.ensureChosenByOperator(data);
            } catch (IOException e) {
                throw new VeilswarmLaunchException("Cannot create the data directory " + data + ": " + e, e);
            }
            Path deploy = (deployDirectory != null ? deployDirectory : data.resolve("deploy")).toAbsolutePath().normalize();
            Map<String, Map<String, Object>> configs = new LinkedHashMap<>();
            configurations.forEach((pid, values) -> configs.put(pid, Map.copyOf(values)));
            NodeSettings settings = new NodeSettings(data, List.copyOf(features), featureSource, bundleSource, consolePort,
                    consoleHost, deploy, Map.copyOf(configs), Map.copyOf(frameworkProperties), tolerateBundleProblems,
                    stopTimeout);
            return new VeilswarmNode(new NodeRuntime(settings));
        }
    }
}
