package org.veilswarm.launcher.cli;

import java.io.IOException;
import java.io.Reader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import org.veilswarm.launcher.VeilswarmNode;

/**
 * The installation's defaults: {@code <home>/etc/veilswarm.properties} (documented in that file and in
 * docs/operator-guide.md), overridden by command-line options. {@code <home>} is the unpacked distribution,
 * given by the {@code veilswarm.home} system property (bin/veilswarm sets it) or found from the launcher jar
 * in {@code <home>/lib/}.
 */
final class LauncherSettings {

    static final String FRAMEWORK_PREFIX = "framework.";
    /** What {@code veilswarm run} starts without a {@code features} setting: a node that can share. */
    /** Configuration PIDs of the tracker and of the swarm engine (bundles tracker and share). */
    static final String TRACKER_PID = "org.veilswarm.tracker";
    static final String SWARM_PID = "org.veilswarm.swarm";
    static final String DEFAULT_FEATURES = "core,console,transport-direct,tracker-journal,share";

    final Path home;
    final Path dataDirectory;
    final int consolePort;
    final String consoleHost;
    final List<String> features;
    final Path deployDirectory;
    final int consoleTimeoutSeconds;
    /** Port of the node's tracker / swarm engine when set (else the bundles' defaults or what ConfigAdmin holds). */
    final Optional<Integer> trackerPort;
    final Optional<Integer> swarmPort;
    final Map<String, String> frameworkProperties;
    /** {@code run --config FILE}: configurations written over what Configuration Admin holds at every start. */
    final Optional<Path> configurationFile;
    /** {@code run --exit-with PID}: the node stops when that process ends (a testnet's supervisor). */
    final Optional<Long> exitWithPid;

    private LauncherSettings(Path home, Properties p, Arguments args) throws CliException {
        this.home = home;
        this.dataDirectory = args.option("data").map(LauncherSettings::expandCwd)
                .orElse(expand(home, p.getProperty("data.dir", "~/.veilswarm")));
        this.consolePort = port(args.option("port").orElse(p.getProperty("console.port",
                Integer.toString(VeilswarmNode.DEFAULT_CONSOLE_PORT))));
        this.consoleHost = args.option("host").orElse(p.getProperty("console.host", VeilswarmNode.DEFAULT_CONSOLE_HOST)).trim();
        this.features = list(args.option("features").orElse(p.getProperty("features", DEFAULT_FEATURES)));
        this.deployDirectory = args.option("deploy").map(LauncherSettings::expandCwd)
                .orElse(expand(home, p.getProperty("deploy.dir", "deploy")));
        this.trackerPort = optionalPort("tracker port", args.option("tracker-port")
                .or(() -> Optional.ofNullable(p.getProperty("tracker.port"))));
        this.swarmPort = optionalPort("swarm port", args.option("swarm-port")
                .or(() -> Optional.ofNullable(p.getProperty("swarm.port"))));
        this.consoleTimeoutSeconds = positive("console.timeout", p.getProperty("console.timeout", "60"));
        Map<String, String> fw = new LinkedHashMap<>();
        for (String key : p.stringPropertyNames()) {
            if (key.startsWith(FRAMEWORK_PREFIX) && key.length() > FRAMEWORK_PREFIX.length()) {
                fw.put(key.substring(FRAMEWORK_PREFIX.length()), p.getProperty(key).trim());
            }
        }
        this.frameworkProperties = fw;
        this.configurationFile = args.option("config").map(LauncherSettings::expandCwd);
        this.exitWithPid = pid(args.option("exit-with"));
    }

    static LauncherSettings load(Arguments args) throws CliException {
        return load(home(), args);
    }

    static LauncherSettings load(Path home, Arguments args) throws CliException {
        Path file = home.resolve("etc").resolve("veilswarm.properties");
        Properties p = new Properties();
        if (Files.isRegularFile(file)) {
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(r);
            } catch (IOException | IllegalArgumentException e) {
                throw new CliException("Cannot read " + file + ": " + e.getMessage());
            }
        }
        return new LauncherSettings(home, p, args);
    }

    /**
     * The data directory of {@code status}/{@code bundles}: {@code --data} if given (no installation
     * needed, so any copy of the CLI can talk to any node), else the installation's default.
     */
    static Path dataDirectory(Arguments args) throws CliException {
        Optional<String> data = args.option("data");
        return data.isPresent() ? expandCwd(data.get()) : load(args).dataDirectory;
    }

    Path featuresDirectory() {
        return home.resolve("features");
    }

    Path bundlesDirectory() {
        return home.resolve("bundles");
    }

    static Path home() throws CliException {
        String configured = System.getProperty("veilswarm.home");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        try {
            Path jar = Path.of(LauncherSettings.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path lib = jar.getParent();
            if (lib != null && lib.getFileName().toString().equals("lib") && lib.getParent() != null) {
                return lib.getParent();
            }
        } catch (URISyntaxException | RuntimeException e) {
            // Fall through to the message below.
        }
        throw new CliException("Cannot tell where Veilswarm is installed: run bin/veilswarm, or set -Dveilswarm.home=DIR");
    }

    /** {@code ~} and {@code ~/x} are the user's home; other relative paths are relative to the installation. */
    static Path expand(Path home, String value) {
        String v = value.trim();
        if (v.equals("~")) {
            return Path.of(System.getProperty("user.home"));
        }
        if (v.startsWith("~/")) {
            return Path.of(System.getProperty("user.home"), v.substring(2)).normalize();
        }
        Path p = Path.of(v);
        return (p.isAbsolute() ? p : home.resolve(p)).normalize();
    }

    /** Command-line paths are relative to the working directory, as a shell user expects. */
    private static Path expandCwd(String value) {
        String v = value.trim();
        if (v.equals("~") || v.startsWith("~/")) {
            return expand(Path.of(""), v);
        }
        return Path.of(v).toAbsolutePath().normalize();
    }

    private static Optional<Integer> optionalPort(String what, Optional<String> value) throws CliException {
        if (value.isEmpty() || value.get().isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(port(value.get()));
        } catch (CliException e) {
            throw new CliException(what.substring(0, 1).toUpperCase(java.util.Locale.ROOT) + what.substring(1)
                    + " must be a number from 1 to 65535, not '" + value.get() + "'", 2);
        }
    }

    private static Optional<Long> pid(Optional<String> value) throws CliException {
        if (value.isEmpty()) {
            return Optional.empty();
        }
        try {
            long pid = Long.parseLong(value.get().trim());
            if (pid > 0) {
                return Optional.of(pid);
            }
        } catch (NumberFormatException e) {
            // Reported below.
        }
        throw new CliException("--exit-with must be a process id (a positive whole number), not '" + value.get() + "'", 2);
    }

    private static int port(String value) throws CliException {
        try {
            int port = Integer.parseInt(value.trim());
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // Reported below.
        }
        throw new CliException("Console port must be a number from 1 to 65535, not '" + value + "'", 2);
    }

    private static int positive(String key, String value) throws CliException {
        try {
            int n = Integer.parseInt(value.trim());
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // Reported below.
        }
        throw new CliException(key + " must be a positive whole number, not '" + value + "'", 2);
    }

    private static List<String> list(String value) throws CliException {
        List<String> items = new ArrayList<>();
        for (String s : value.split(",")) {
            if (!s.isBlank()) {
                items.add(s.trim());
            }
        }
        if (items.isEmpty()) {
            throw new CliException("No features given: at least 'core' is needed", 2);
        }
        return items;
    }
}
