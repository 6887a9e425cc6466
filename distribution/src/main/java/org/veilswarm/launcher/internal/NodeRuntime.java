package org.veilswarm.launcher.internal;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.hooks.resolver.ResolverHookFactory;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.framework.startlevel.FrameworkStartLevel;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.util.tracker.ServiceTracker;
import org.veilswarm.launcher.BundleProblem;
import org.veilswarm.launcher.VeilswarmLaunchException;
import org.veilswarm.launcher.VeilswarmNode;

/**
 * The life cycle behind {@link VeilswarmNode}: lock the data directory, read the features, check the
 * console port, boot Felix, synchronize bundles, then raise the start level one step at a time and apply
 * the configurations as soon as Configuration Admin is up, before the bundles that consume them start.
 */
public final class NodeRuntime {

    private static final Logger LOG = System.getLogger("org.veilswarm.launcher");
    private static final Duration START_LEVEL_STEP_TIMEOUT = Duration.ofMinutes(2);
    /** The Maven group of Veilswarm's own bundles (the Netty probes run before the first of them starts). */
    private static final String OWN_GROUP = "org.veilswarm";
    private static final Duration CONFIGURATION_ADMIN_WAIT = Duration.ofSeconds(10);
    private static final long CONSOLE_POLL_MILLIS = 100;

    private final NodeSettings settings;
    private Framework framework;
    private DataDirectoryLock lock;
    private BundleDiagnostics diagnostics;

    public NodeRuntime(NodeSettings settings) {
        this.settings = settings;
    }

    public NodeSettings settings() {
        return settings;
    }

    public synchronized void start() {
        if (framework != null) {
            throw new IllegalStateException("This node is already running (data directory " + settings.dataDirectory() + ")");
        }
        long began = System.nanoTime();
        DataDirectoryLock acquired = DataDirectoryLock.acquire(settings.dataDirectory());
        Framework fw = null;
        try {
            FeatureSet features = FeatureSet.read(settings.featureSource(), settings.features(),
                    FrameworkProperties.RUNTIME_BUNDLE_START_LEVEL);
            List<BundleInstaller.Located> bundles = BundleInstaller.locate(features.bundles(), settings.bundleSource());
            if (settings.features().contains(VeilswarmNode.CONSOLE_FEATURE)) {
                ConsolePortCheck.requireFree(settings.consoleHost(), settings.consolePort());
            }
            new ConsoleUrlFile(settings.dataDirectory()).deleteStale();
            PrivateDirectory.ensureChosenByOperator(settings.dataDirectory());
            PrivateDirectory.ensure(settings.dataDirectory().resolve(FrameworkProperties.CONFIG_DIRECTORY));
            PrivateDirectory.ensure(settings.dataDirectory().resolve(FrameworkProperties.STORAGE_DIRECTORY));
            Files.createDirectories(settings.deployDirectory());

            fw = frameworkFactory().newFramework(FrameworkProperties.of(settings.dataDirectory(), settings.consoleHost(),
                    settings.consolePort(), settings.deployDirectory(), settings.frameworkProperties()));
            fw.init();
            fw.getBundleContext().registerService(ResolverHookFactory.class, new ServedCapabilities(), null);
            BundleDiagnostics diag = new BundleDiagnostics();
            fw.getBundleContext().addFrameworkListener(diag);
            BundleInstaller.Report report = new BundleInstaller(fw.getBundleContext()).synchronize(bundles);
            LOG.log(Level.DEBUG, () -> "bundles installed " + report.installed().size() + ", updated " + report.updated().size()
                    + ", unchanged " + report.unchanged().size() + ", uninstalled " + report.uninstalled().size());
            fw.start();
            raiseStartLevels(fw, features);

            framework = fw;
            lock = acquired;
            diagnostics = diag;
            List<BundleProblem> problems = diag.problems(fw);
            if (!problems.isEmpty()) {
                VeilswarmLaunchException e = new VeilswarmLaunchException(problems.size() + " feature bundle(s) of "
                        + settings.features() + " did not resolve or start:", problems, null);
                if (!settings.tolerateBundleProblems()) {
                    throw e;
                }
                LOG.log(Level.WARNING, e.getMessage());
            }
            LOG.log(Level.DEBUG, () -> "node started in " + (System.nanoTime() - began) / 1_000_000 + " ms");
        } catch (BundleException | IOException | RuntimeException e) {
            framework = null;
            lock = null;
            stopQuietly(fw);
            acquired.close();
            if (e instanceof VeilswarmLaunchException) {
                throw (VeilswarmLaunchException) e;
            }
            throw new VeilswarmLaunchException("The node could not start: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            framework = null;
            lock = null;
            stopQuietly(fw);
            acquired.close();
            throw new VeilswarmLaunchException("Interrupted while starting the node", e);
        }
    }

    /**
     * Raises the framework start level through every level the features use (OSGi Core R8 ch. 9), so each
     * step's bundles are active before the next step's start, and applies configurations right after the
     * step at which Configuration Admin appears.
     */
    private void raiseStartLevels(Framework fw, FeatureSet features) throws InterruptedException {
        ConfigurationInstaller configs = new ConfigurationInstaller(fw.getBundleContext());
        boolean configure = !features.configurations().isEmpty() || !settings.configurations().isEmpty();
        TreeSet<Integer> levels = features.startLevels();
        levels.add(FrameworkProperties.RUNTIME_BUNDLE_START_LEVEL);
        FrameworkStartLevel startLevel = fw.adapt(FrameworkStartLevel.class);
        // The probes run after the logging bundles (slf4j binds its provider once, at first use: Netty's logger
        // set-up in the probes would otherwise bind it to the no-operation logger for good) and before our own
        // bundles, or before the runtime level when no feature has one; that level is always among the steps.
        int probeLevel = features.bundles().stream().filter(b -> OWN_GROUP.equals(b.coordinates().groupId()))
                .mapToInt(FeatureSet.PlannedBundle::startLevel).min()
                .orElse(FrameworkProperties.RUNTIME_BUNDLE_START_LEVEL);
        boolean probed = false;
        for (int level : levels) {
            if (!probed && level >= probeLevel) {
                NettyProbes.run(fw.getBundleContext());
                probed = true;
            }
            if (level > startLevel.getStartLevel()) {
                CountDownLatch reached = new CountDownLatch(1);
                startLevel.setStartLevel(level, event -> {
                    if (event.getType() == FrameworkEvent.STARTLEVEL_CHANGED) {
                        reached.countDown();
                    }
                });
                if (!reached.await(START_LEVEL_STEP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new VeilswarmLaunchException("Start level " + level + " was not reached within "
                            + START_LEVEL_STEP_TIMEOUT.toSeconds() + " s: a bundle's activator is blocking.");
                }
            }
            if (configure) {
                Optional<ServiceReference<ConfigurationAdmin>> admin = configs.configurationAdmin();
                if (admin.isPresent()) {
                    configs.apply(admin.get(), features.configurations(), settings.configurations());
                    configure = false;
                }
            }
        }
        if (configure) {
            configs.apply(awaitConfigurationAdmin(fw, configs), features.configurations(), settings.configurations());
        }
    }

    private ServiceReference<ConfigurationAdmin> awaitConfigurationAdmin(Framework fw, ConfigurationInstaller configs)
            throws InterruptedException {
        ServiceTracker<ConfigurationAdmin, ConfigurationAdmin> tracker =
                new ServiceTracker<>(fw.getBundleContext(), ConfigurationAdmin.class, null);
        tracker.open();
        try {
            tracker.waitForService(CONFIGURATION_ADMIN_WAIT.toMillis());
        } finally {
            tracker.close();
        }
        return configs.configurationAdmin().orElseThrow(() -> new VeilswarmLaunchException(
                "The features have configurations, but no Configuration Admin service appeared within "
                        + CONFIGURATION_ADMIN_WAIT.toSeconds() + " s (is org.apache.felix.configadmin in a chosen"
                        + " feature, and active?)",
                new BundleDiagnostics().problems(fw), null));
    }

    public synchronized void stop() {
        Framework fw = framework;
        framework = null;
        boolean stillStopping = false;
        try {
            if (fw != null) {
                fw.stop();
                FrameworkEvent event = fw.waitForStop(settings.stopTimeout().toMillis());
                if (event.getType() == FrameworkEvent.WAIT_TIMEDOUT) {
                    // Still stopping, still writing to the data directory: another node must not take it over
                    // yet, so the lock stays held until the framework is gone or this process exits.
                    LOG.log(Level.WARNING, "The framework did not stop within " + settings.stopTimeout().toSeconds()
                            + " s; a bundle is blocking its shutdown. The lock on " + settings.dataDirectory()
                            + " stays held until this process exits.");
                    stillStopping = true;
                }
            }
        } catch (BundleException e) {
            throw new VeilswarmLaunchException("The framework could not be stopped: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (lock != null && !stillStopping) {
                lock.close();
                lock = null;
            }
        }
    }

    public URI consoleUrl(Duration timeout) {
        Framework fw = requireRunning();
        ConsoleUrlFile file = new ConsoleUrlFile(settings.dataDirectory());
        long deadline = System.nanoTime() + timeout.toNanos();
        do {
            Optional<ConsoleUrlFile.ConsoleUrl> url = file.read();
            if (url.isPresent()) {
                return url.get().uri();
            }
            if ((fw.getState() & (Bundle.ACTIVE | Bundle.STARTING)) == 0) {
                throw new VeilswarmLaunchException("The node stopped before its console came up.");
            }
            try {
                Thread.sleep(CONSOLE_POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new VeilswarmLaunchException("Interrupted while waiting for the console", e);
            }
        } while (System.nanoTime() < deadline);
        throw consoleNeverCameUp(fw, file, timeout);
    }

    private VeilswarmLaunchException consoleNeverCameUp(Framework fw, ConsoleUrlFile file, Duration timeout) {
        List<String> hints = new ArrayList<>();
        if (!settings.features().contains(VeilswarmNode.CONSOLE_FEATURE)) {
            hints.add("the '" + VeilswarmNode.CONSOLE_FEATURE + "' feature is not among " + settings.features());
        }
        boolean consoleActive = false;
        for (Bundle b : fw.getBundleContext().getBundles()) {
            if ("org.veilswarm.console".equals(b.getSymbolicName())) {
                consoleActive = b.getState() == Bundle.ACTIVE;
            }
        }
        if (consoleActive) {
            hints.add("the console bundle is active but has not written the file: check its log; port "
                    + settings.consolePort() + " on " + settings.consoleHost()
                    + " may have been taken after the launcher checked it (Jetty only logs \"Failed to bind\")");
        }
        List<BundleProblem> problems = diagnostics != null ? diagnostics.problems(fw) : List.of();
        return new VeilswarmLaunchException("The console did not come up within " + timeout.toSeconds() + " s: "
                + file.path() + " was not written" + (hints.isEmpty() ? "." : " (" + String.join("; ", hints) + ").")
                + (problems.isEmpty() ? "" : " Feature bundles not working:"), problems, null);
    }

    public Optional<String> address(Duration timeout) {
        return NodeIdentityLookup.address(requireRunning().getBundleContext(), timeout);
    }

    public synchronized List<BundleProblem> problems() {
        Framework fw = requireRunning();
        return diagnostics.problems(fw);
    }

    public synchronized Framework framework() {
        return requireRunning();
    }

    public synchronized boolean isRunning() {
        return framework != null && (framework.getState() & (Bundle.ACTIVE | Bundle.STARTING)) != 0;
    }

    public boolean awaitStop(Duration timeout) throws InterruptedException {
        Framework fw;
        synchronized (this) {
            fw = framework;
        }
        if (fw == null) {
            return true;
        }
        return fw.waitForStop(timeout.toMillis()).getType() != FrameworkEvent.WAIT_TIMEDOUT;
    }

    private synchronized Framework requireRunning() {
        if (framework == null) {
            throw new IllegalStateException("The node is not running: call start() first");
        }
        return framework;
    }

    private static void stopQuietly(Framework fw) {
        if (fw == null) {
            return;
        }
        try {
            fw.stop();
            fw.waitForStop(TimeUnit.SECONDS.toMillis(30));
        } catch (BundleException | RuntimeException e) {
            LOG.log(Level.WARNING, "Could not stop the framework after a failed start: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static FrameworkFactory frameworkFactory() {
        return ServiceLoader.load(FrameworkFactory.class, NodeRuntime.class.getClassLoader()).findFirst()
                .orElseThrow(() -> new VeilswarmLaunchException("No OSGi framework on the class path: the launcher needs"
                        + " org.apache.felix:org.apache.felix.framework in lib/."));
    }
}
