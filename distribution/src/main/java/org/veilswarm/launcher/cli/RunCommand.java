package org.veilswarm.launcher.cli;

import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.veilswarm.launcher.BundleSource;
import org.veilswarm.launcher.FeatureSource;
import org.veilswarm.launcher.VeilswarmLaunchException;
import org.veilswarm.launcher.VeilswarmNode;

/**
 * {@code veilswarm run}: starts a node from the installation's {@code features/} and {@code bundles/}, prints
 * its address and console URL once the console really listens, and keeps running until SIGINT/SIGTERM (a
 * shutdown hook stops the framework cleanly) or until the framework is stopped from inside.
 */
final class RunCommand {

    private static final Duration ADDRESS_WAIT = Duration.ofSeconds(10);

    private RunCommand() {
    }

    /** @return whether the JVM is shutting down (a signal): then the caller must not call System.exit */
    static boolean run(LauncherSettings s, PrintStream out) throws CliException, InterruptedException {
        VeilswarmNode.Builder builder = VeilswarmNode.builder()
                .dataDirectory(s.dataDirectory)
                .features(s.features)
                .featureSource(FeatureSource.directory(s.featuresDirectory()))
                .bundleSource(BundleSource.mavenRepository(s.bundlesDirectory()))
                .consolePort(s.consolePort)
                .consoleHost(s.consoleHost)
                .deployDirectory(s.deployDirectory);
        // Written over what Configuration Admin holds before the tracker and swarm bundles start, so that a
        // second node on the same machine never tries the default ports first.
        s.trackerPort.ifPresent(p -> builder.configuration(LauncherSettings.TRACKER_PID, Map.of("port", p)));
        s.swarmPort.ifPresent(p -> builder.configuration(LauncherSettings.SWARM_PID, Map.of("port", p)));
        if (s.configurationFile.isPresent()) {
            ConfigurationFile.read(s.configurationFile.get()).forEach(builder::configuration);
        }
        try {
            s.frameworkProperties.forEach(builder::frameworkProperty);
        } catch (IllegalArgumentException e) {
            throw new CliException("etc/veilswarm.properties: " + e.getMessage(), 2);
        }
        VeilswarmNode node = builder.build();

        AtomicBoolean shuttingDown = new AtomicBoolean();
        Thread hook = new Thread(() -> {
            shuttingDown.set(true);
            node.stop();
        }, "veilswarm-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        s.exitWithPid.ifPresent(RunCommand::exitWith);
        try {
            node.start();
            String address = node.address(ADDRESS_WAIT).orElse("(address unknown: no node identity service)");
            URI console = null;
            if (s.features.contains(VeilswarmNode.CONSOLE_FEATURE)) {
                console = node.consoleUrl(Duration.ofSeconds(s.consoleTimeoutSeconds));
            }
            out.println("Veilswarm node " + address + " running");
            out.println(console != null ? "Console: " + console
                    : "Console: none (the '" + VeilswarmNode.CONSOLE_FEATURE + "' feature is not among " + s.features + ")");
            out.println("Data directory: " + s.dataDirectory + "   (Ctrl-C stops the node)");
            out.flush();
        } catch (VeilswarmLaunchException e) {
            if (!shuttingDown.get() && removed(hook)) {
                node.stop();
                throw new CliException(e.getMessage());
            }
            return true;
        }
        node.awaitStop(Duration.ZERO);
        if (shuttingDown.get()) {
            return true;
        }
        // Stopped from inside (e.g. the web console): release the data directory and leave with 0.
        node.stop();
        return !removed(hook);
    }

    /**
     * Stops this JVM (through the shutdown hook, which stops the node cleanly) when process {@code pid} ends,
     * so the nodes of a testnet never outlive their supervisor, even one killed with SIGKILL.
     */
    private static void exitWith(long pid) {
        java.util.Optional<ProcessHandle> parent = ProcessHandle.of(pid);
        if (parent.isEmpty()) {
            System.err.println("veilswarm: process " + pid + " (--exit-with) is not running; stopping");
            System.exit(1);
        }
        parent.get().onExit().thenRun(() -> {
            System.err.println("veilswarm: process " + pid + " (--exit-with) ended; stopping the node");
            System.exit(0);
        });
    }

    /** False if the JVM is already shutting down (a signal arrived meanwhile): the hook then does the work. */
    private static boolean removed(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
            return true;
        } catch (IllegalStateException shutdownInProgress) {
            return false;
        }
    }
}
