package org.veilswarm.itests.support;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.Filter;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.resource.Requirement;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.util.tracker.ServiceTracker;

/**
 * In-container helper for the Pax Exam tests: waiting for services, the node's data directory and HTTP port
 * (framework properties set by {@link VeilswarmOptions}), the features' configurations, and diagnostics.
 */
public final class NodeContext {
    /** How long DS, ConfigAdmin and Jetty get to react in these tests: generous, it only bounds a wait. */
    public static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final BundleContext context;

    public NodeContext(BundleContext context) {
        this.context = context;
    }

    public BundleContext bundleContext() {
        return context;
    }

    /** The node's data directory ({@code veilswarm.data.dir}). */
    public Path dataDirectory() {
        return Path.of(property("veilswarm.data.dir"));
    }

    /** The console's HTTP port ({@code org.osgi.service.http.port}). */
    public int httpPort() {
        return Integer.parseInt(property("org.osgi.service.http.port"));
    }

    private String property(String key) {
        String value = context.getProperty(key);
        if (value == null) {
            throw new IllegalStateException("framework property " + key + " is not set");
        }
        return value;
    }

    /**
     * Waits for a service of {@code type} matching {@code filter} (an LDAP filter, or null) and returns it.
     *
     * @throws AssertionError naming the type and filter after {@code timeout}
     */
    public <T> T awaitService(Class<T> type, String filter, Duration timeout) {
        return context.getService(awaitReference(type, filter, timeout));
    }

    /** Like {@link #awaitService}, returning the reference (to read its properties). */
    public <T> ServiceReference<T> awaitReference(Class<T> type, String filter, Duration timeout) {
        String objectClass = "(" + Constants.OBJECTCLASS + "=" + type.getName() + ")";
        Filter f;
        try {
            f = context.createFilter(filter == null ? objectClass : "(&" + objectClass + filter + ")");
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException("bad filter " + filter + ": " + e.getMessage(), e);
        }
        ServiceTracker<T, T> tracker = new ServiceTracker<>(context, f, null);
        tracker.open();
        try {
            if (tracker.waitForService(timeout.toMillis()) == null) {
                throw new AssertionError("no " + type.getName() + (filter == null ? "" : " matching " + filter)
                        + " within " + timeout.toMillis() + " ms");
            }
            return tracker.getServiceReference();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for " + type.getName(), e);
        } finally {
            tracker.close();
        }
    }

    /** Every registered service of {@code type} (possibly none). */
    public <T> Collection<ServiceReference<T>> references(Class<T> type, String filter) {
        try {
            return context.getServiceReferences(type, filter);
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /**
     * Applies the configurations of the features the container was built from through ConfigurationAdmin,
     * as the launcher does: a PID that already has a configuration keeps it (an operator's change, or a test's,
     * wins over the feature's default).
     */
    public void applyFeatureConfigurations() throws IOException {
        ConfigurationAdmin cm = awaitService(ConfigurationAdmin.class, null, TIMEOUT);
        for (Feature feature : features()) {
            for (Map.Entry<String, Map<String, Object>> c : feature.configurations().entrySet()) {
                Configuration configuration = configuration(cm, c.getKey());
                if (configuration.getProperties() == null) {
                    configuration.update(Feature.dictionary(c.getValue()));
                }
            }
        }
    }

    /** The features the container was built from (read again from the URLs {@link VeilswarmOptions} passed). */
    public List<Feature> features() throws IOException {
        List<Feature> features = new ArrayList<>();
        for (String url : property(VeilswarmOptions.FEATURES_PROPERTY).split(",")) {
            features.add(Feature.read(new URL(url)));
        }
        return features;
    }

    /**
     * The configuration for {@code pid}, or for {@code factoryPid~name} (ch. 159.6). Location "?" binds it to
     * no particular bundle, so it survives uninstalling and reinstalling the bundle that uses it.
     */
    public static Configuration configuration(ConfigurationAdmin cm, String pid) throws IOException {
        int tilde = pid.indexOf('~');
        return tilde < 0 ? cm.getConfiguration(pid, "?")
                : cm.getFactoryConfiguration(pid.substring(0, tilde), pid.substring(tilde + 1), "?");
    }

    /** Waits for a file the node writes (the console's management.token and console.url). */
    public Path awaitFile(String relative) {
        Path file = dataDirectory().resolve(relative);
        Await.until(file + " to be written", TIMEOUT, () -> Files.isRegularFile(file) && size(file) > 0,
                this::describeBundles);
        return file;
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }

    /**
     * Refreshes the packages of every bundle that needs it (after an update or uninstall) and waits until the
     * framework says it is done, so that the old revisions are gone and their dependents rewired.
     */
    public void refreshBundles() throws InterruptedException {
        FrameworkWiring wiring = context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION).adapt(FrameworkWiring.class);
        java.util.concurrent.BlockingQueue<org.osgi.framework.FrameworkEvent> done =
                new java.util.concurrent.LinkedBlockingQueue<>();
        wiring.refreshBundles(null, done::add);
        if (done.poll(TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS) == null) {
            throw new AssertionError("the bundle refresh did not finish within " + TIMEOUT);
        }
    }

    /** The bundle with symbolic name {@code bsn}, or null. */
    public Bundle bundle(String bsn) {
        for (Bundle b : context.getBundles()) {
            if (bsn.equals(b.getSymbolicName())) {
                return b;
            }
        }
        return null;
    }

    /** Whether a bundle is a fragment (which is never ACTIVE, only RESOLVED). */
    public static boolean isFragment(Bundle bundle) {
        BundleRevision revision = bundle.adapt(BundleRevision.class);
        return revision != null && (revision.getTypes() & BundleRevision.TYPE_FRAGMENT) != 0;
    }

    /** The requirements of {@code bundle} no installed bundle can satisfy (why it does not resolve). */
    public List<String> missingRequirements(Bundle bundle) {
        List<String> missing = new ArrayList<>();
        BundleRevision revision = bundle.adapt(BundleRevision.class);
        if (revision == null) {
            return List.of("(no revision: uninstalled?)");
        }
        FrameworkWiring wiring = context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION).adapt(FrameworkWiring.class);
        for (Requirement requirement : revision.getRequirements(null)) {
            String resolution = requirement.getDirectives().get("resolution");
            if ("optional".equals(resolution) || "dynamic".equals(resolution)) {
                continue;
            }
            if (!(requirement instanceof org.osgi.framework.wiring.BundleRequirement br)) {
                continue;
            }
            if (wiring.findProviders(br).isEmpty()) {
                missing.add(requirement.getNamespace() + " " + requirement.getDirectives().getOrDefault("filter",
                        requirement.getAttributes().toString()));
            }
        }
        if (missing.isEmpty()) {
            missing.add("(every requirement has a provider: a uses-constraint conflict, or the bundle failed to start;"
                    + " see the framework log)");
        }
        return missing;
    }

    /** One line per bundle: id, state, symbolic name, version, location. */
    public String describeBundles() {
        StringBuilder out = new StringBuilder("bundles:");
        for (Bundle b : context.getBundles()) {
            out.append("\n  ").append(b.getBundleId()).append(' ').append(state(b.getState())).append(' ')
                    .append(b.getSymbolicName()).append(' ').append(b.getVersion());
        }
        return out.toString();
    }

    /** A bundle state's name. */
    public static String state(int state) {
        return switch (state) {
            case Bundle.UNINSTALLED -> "UNINSTALLED";
            case Bundle.INSTALLED -> "INSTALLED";
            case Bundle.RESOLVED -> "RESOLVED";
            case Bundle.STARTING -> "STARTING";
            case Bundle.STOPPING -> "STOPPING";
            case Bundle.ACTIVE -> "ACTIVE";
            default -> "state " + state;
        };
    }

    /** The bundle context of the bundle that loaded {@code type} (the probe, for a test class). */
    public static BundleContext contextOf(Class<?> type) {
        Bundle bundle = FrameworkUtil.getBundle(type);
        if (bundle == null) {
            throw new IllegalStateException(type + " is not loaded by a bundle: not running inside the container");
        }
        return bundle.getBundleContext();
    }
}
