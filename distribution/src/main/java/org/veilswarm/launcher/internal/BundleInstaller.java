package org.veilswarm.launcher.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.wiring.BundleRevision;
import org.veilswarm.launcher.BundleCoordinates;
import org.veilswarm.launcher.BundleSource;
import org.veilswarm.launcher.VeilswarmLaunchException;
import org.veilswarm.launcher.internal.FeatureSet.PlannedBundle;

/**
 * Makes the framework's launcher-managed bundles match the features, before the framework starts:
 * installs what is missing, updates what changed, uninstalls what no chosen feature lists any more, and
 * leaves alone whatever an operator installed by other means (FileInstall, the console).
 *
 * <p>A bundle's location is {@code veilswarm:bundle:<groupId>:<artifactId>[:<classifier>]}, without version,
 * so that a new version of the same artifact updates the installed bundle (keeping its id, its
 * configuration binding and its persistent data) instead of installing a second one.
 */
public final class BundleInstaller {

    public static final String LOCATION_PREFIX = "veilswarm:bundle:";

    /** What {@link #synchronize} did. */
    public record Report(List<String> installed, List<String> updated, List<String> unchanged,
            List<String> uninstalled) {
    }

    /** A planned bundle with the jar the bundle source found for it. */
    record Located(PlannedBundle plan, Path jar) {
    }

    private final BundleContext system;
    private final InstalledDigests digests;

    public BundleInstaller(BundleContext system) {
        this.system = system;
        this.digests = InstalledDigests.load(system.getDataFile("veilswarm-installed-bundles.properties").toPath());
    }

    public static String location(BundleCoordinates c) {
        return LOCATION_PREFIX + c.versionlessKey();
    }

    public static boolean isManaged(Bundle bundle) {
        return bundle.getLocation().startsWith(LOCATION_PREFIX);
    }

    /**
     * Finds every planned bundle's jar first, so that a missing one fails before anything is changed, with
     * all missing bundles named at once.
     */
    public static List<Located> locate(List<PlannedBundle> plan, BundleSource source) {
        List<Located> found = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (PlannedBundle p : plan) {
            source.locate(p.coordinates()).ifPresentOrElse(jar -> found.add(new Located(p, jar)),
                    () -> missing.add(p.coordinates() + " (feature " + String.join(", ", p.features()) + ")"));
        }
        if (!missing.isEmpty()) {
            throw new VeilswarmLaunchException("Bundles listed by the features are missing from " + source + ":\n  "
                    + String.join("\n  ", missing)
                    + "\nThe installation is incomplete: reinstall the distribution, or point the bundle source at a"
                    + " directory that has them.");
        }
        return found;
    }

    public Report synchronize(List<Located> bundles) {
        Map<String, Bundle> existing = new HashMap<>();
        for (Bundle b : system.getBundles()) {
            if (isManaged(b)) {
                existing.put(b.getLocation(), b);
            }
        }
        List<String> installed = new ArrayList<>();
        List<String> updated = new ArrayList<>();
        List<String> unchanged = new ArrayList<>();
        for (Located l : bundles) {
            BundleCoordinates c = l.plan().coordinates();
            String location = location(c);
            String digest = InstalledDigests.sha256(l.jar());
            Bundle bundle = existing.remove(location);
            try {
                if (bundle == null) {
                    try (InputStream in = Files.newInputStream(l.jar())) {
                        bundle = system.installBundle(location, in);
                    }
                    installed.add(c.toString());
                } else if (!digests.get(location).orElse("").equals(digest)) {
                    try (InputStream in = Files.newInputStream(l.jar())) {
                        bundle.update(in);
                    }
                    updated.add(c.toString());
                } else {
                    unchanged.add(c.toString());
                }
                digests.put(location, digest);
                bundle.adapt(BundleStartLevel.class).setStartLevel(l.plan().startLevel());
                if (!isFragment(bundle)) {
                    // The framework is not started yet: this only records that the bundle is to be started
                    // when the framework reaches its start level (OSGi Core R8 4.4.5, 9.3.3).
                    bundle.start();
                }
            } catch (BundleException | IOException e) {
                digests.save();
                throw new VeilswarmLaunchException("Cannot install " + c + " from " + l.jar() + ": " + e.getMessage()
                        + (e instanceof BundleException && ((BundleException) e).getType() == BundleException.DUPLICATE_BUNDLE_ERROR
                                ? " (the same bundle was installed by other means, for example from deploy/:"
                                        + " remove that copy)"
                                : ""),
                        e);
            }
        }
        List<String> uninstalled = new ArrayList<>();
        for (Bundle stale : existing.values()) {
            try {
                stale.uninstall();
                digests.remove(stale.getLocation());
                uninstalled.add(stale.getSymbolicName() + " " + stale.getVersion());
            } catch (BundleException e) {
                throw new VeilswarmLaunchException("Cannot uninstall " + stale.getLocation()
                        + ", which no chosen feature lists any more: " + e.getMessage(), e);
            }
        }
        digests.save();
        return new Report(installed, updated, unchanged, uninstalled);
    }

    static boolean isFragment(Bundle bundle) {
        BundleRevision revision = bundle.adapt(BundleRevision.class);
        return revision != null && (revision.getTypes() & BundleRevision.TYPE_FRAGMENT) != 0;
    }
}
