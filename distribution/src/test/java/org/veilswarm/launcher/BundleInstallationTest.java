package org.veilswarm.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.startlevel.BundleStartLevel;

/**
 * The launcher's own installer on small generated bundles (no core feature, so each start takes a fraction
 * of a second): install, no reinstall on restart, update on a new version, uninstall when no feature lists
 * a bundle any more, fragments, and bundles that do not resolve or start.
 */
class BundleInstallationTest {

    @TempDir
    Path tmp;

    private VeilswarmNode node;

    @AfterEach
    void stop() {
        if (node != null) {
            node.stop();
        }
    }

    private VeilswarmNode start(String... features) {
        node = VeilswarmNode.builder().dataDirectory(tmp.resolve("data")).features(features)
                .featureSource(FeatureSource.directory(tmp.resolve("features")))
                .bundleSource(BundleSource.mavenRepository(tmp.resolve("repo"))).build();
        node.start();
        return node;
    }

    private void restart(String... features) {
        node.stop();
        start(features);
    }

    @Test
    void installsOnceThenUpdatesTheSameBundleWhenTheVersionChanges() {
        Path repo = tmp.resolve("repo");
        TestBundles.bundle(repo, "probe", "1.0.0", Map.of());
        TestBundles.bundle(repo, "probe", "1.0.1", Map.of());
        TestBundles.feature(tmp.resolve("features"), "probe", List.of("probe:1.0.0"), null);

        Bundle first = bundle(start("probe").framework().getBundleContext(), "org.example.probe");
        long id = first.getBundleId();
        long installedAt = first.getLastModified();
        assertEquals(Bundle.ACTIVE, first.getState());
        assertEquals(1, first.adapt(BundleStartLevel.class).getStartLevel(), "start-order 1 is start level 1");

        restart("probe");
        Bundle again = bundle(node.framework().getBundleContext(), "org.example.probe");
        assertEquals(id, again.getBundleId(), "same bundle, not reinstalled");
        assertEquals(installedAt, again.getLastModified(), "not updated either");
        assertEquals(Bundle.ACTIVE, again.getState());

        TestBundles.feature(tmp.resolve("features"), "probe", List.of("probe:1.0.1"), null);
        restart("probe");
        Bundle updated = bundle(node.framework().getBundleContext(), "org.example.probe");
        assertEquals(id, updated.getBundleId(), "an update keeps the bundle id");
        assertEquals("1.0.1", updated.getVersion().toString());
        assertEquals(Bundle.ACTIVE, updated.getState());
    }

    @Test
    void rebuiltJarWithTheSameVersionIsUpdated() {
        Path repo = tmp.resolve("repo");
        TestBundles.bundle(repo, "probe", "1.0.0", Map.of("X-Build", "1"));
        TestBundles.feature(tmp.resolve("features"), "probe", List.of("probe:1.0.0"), null);
        start("probe");

        TestBundles.bundle(repo, "probe", "1.0.0", Map.of("X-Build", "2"));
        restart("probe");
        assertEquals("2", bundle(node.framework().getBundleContext(), "org.example.probe").getHeaders().get("X-Build"),
                "a -SNAPSHOT rebuild keeps its Bundle-Version but must still be picked up");
    }

    @Test
    void uninstallsWhatNoFeatureListsAnyMoreButLeavesOtherBundlesAlone() throws Exception {
        Path repo = tmp.resolve("repo");
        TestBundles.bundle(repo, "probe", "1.0.0", Map.of());
        TestBundles.bundle(repo, "other", "1.0.0", Map.of());
        Path byHand = TestBundles.bundle(tmp.resolve("elsewhere"), "byhand", "1.0.0", Map.of());
        TestBundles.feature(tmp.resolve("features"), "both", List.of("probe:1.0.0", "other:1.0.0"), null);
        TestBundles.feature(tmp.resolve("features"), "one", List.of("other:1.0.0"), null);

        start("both").framework().getBundleContext().installBundle(byHand.toUri().toString()).start();
        restart("one");
        BundleContext c = node.framework().getBundleContext();
        assertNull(find(c, "org.example.probe"), "no chosen feature lists probe any more");
        assertEquals(Bundle.ACTIVE, bundle(c, "org.example.other").getState());
        assertEquals(Bundle.ACTIVE, bundle(c, "org.example.byhand").getState(), "installed by hand: not the launcher's");
    }

    @Test
    void fragmentsAreResolvedButNotStarted() {
        Path repo = tmp.resolve("repo");
        TestBundles.bundle(repo, "host", "1.0.0", Map.of());
        TestBundles.bundle(repo, "fragment", "1.0.0", Map.of("Fragment-Host", "org.example.host"));
        TestBundles.feature(tmp.resolve("features"), "f", List.of("host:1.0.0", "fragment:1.0.0"), null);

        BundleContext c = start("f").framework().getBundleContext();
        assertEquals(Bundle.RESOLVED, bundle(c, "org.example.fragment").getState());
        assertEquals(Bundle.ACTIVE, bundle(c, "org.example.host").getState());
        assertEquals(List.of(), node.problems());
    }

    @Test
    void unresolvableBundleFailsTheStartNamingTheMissingPackage() {
        Path repo = tmp.resolve("repo");
        TestBundles.bundle(repo, "needy", "1.0.0", Map.of("Import-Package", "org.example.nowhere;version=\"[2,3)\""));
        TestBundles.feature(tmp.resolve("features"), "needy", List.of("needy:1.0.0"), null);

        VeilswarmLaunchException e = assertThrows(VeilswarmLaunchException.class, () -> start("needy"));
        assertEquals(1, e.problems().size(), e.getMessage());
        assertEquals("org.example.needy", e.problems().get(0).symbolicName());
        assertTrue(e.getMessage().contains("org.example.nowhere"), e.getMessage());
        node = null;
    }

    @Test
    void toleratedProblemsAreReportedWhileTheNodeRuns() {
        Path repo = tmp.resolve("repo");
        TestBundles.bundle(repo, "broken", "1.0.0", Map.of("Bundle-Activator", "org.example.NoSuchActivator"));
        TestBundles.bundle(repo, "fine", "1.0.0", Map.of());
        TestBundles.feature(tmp.resolve("features"), "mixed", List.of("broken:1.0.0", "fine:1.0.0"), null);

        node = VeilswarmNode.builder().dataDirectory(tmp.resolve("data")).features("mixed")
                .featureSource(FeatureSource.directory(tmp.resolve("features")))
                .bundleSource(BundleSource.mavenRepository(repo)).tolerateBundleProblems().build();
        node.start();
        List<BundleProblem> problems = node.problems();
        assertEquals(1, problems.size(), problems.toString());
        assertEquals("org.example.broken", problems.get(0).symbolicName());
        assertTrue(problems.get(0).reason().startsWith("failed to start"), problems.get(0).reason());
        assertTrue(problems.get(0).reason().contains("org.example.NoSuchActivator"), problems.get(0).reason());
        assertEquals(Bundle.ACTIVE, bundle(node.framework().getBundleContext(), "org.example.fine").getState());
    }

    @Test
    void missingJarsAreAllNamedBeforeAnythingIsInstalled() {
        TestBundles.bundle(tmp.resolve("repo"), "present", "1.0.0", Map.of());
        TestBundles.feature(tmp.resolve("features"), "gaps", List.of("present:1.0.0", "absent:1.0.0", "gone:2.0.0"), null);

        VeilswarmLaunchException e = assertThrows(VeilswarmLaunchException.class, () -> start("gaps"));
        assertTrue(e.getMessage().contains("org.example:absent:1.0.0"), e.getMessage());
        assertTrue(e.getMessage().contains("org.example:gone:2.0.0"), e.getMessage());
        assertTrue(e.getMessage().contains("feature gaps"), e.getMessage());
        assertTrue(!tmp.resolve("data/felix-cache").toFile().exists(), "no framework was created");
        node = null;
    }

    @Test
    void unknownFeatureNamesTheAvailableOnes() {
        TestBundles.feature(tmp.resolve("features"), "real", List.of(), null);
        VeilswarmLaunchException e = assertThrows(VeilswarmLaunchException.class, () -> start("imaginary"));
        assertTrue(e.getMessage().contains("Unknown feature 'imaginary'"), e.getMessage());
        assertTrue(e.getMessage().contains("Available features: real"), e.getMessage());
        node = null;
    }

    @Test
    void aDataDirectoryRunsOneNodeAtATime() {
        TestBundles.feature(tmp.resolve("features"), "empty", List.of(), null);
        VeilswarmNode first = start("empty");
        VeilswarmNode second = VeilswarmNode.builder().dataDirectory(tmp.resolve("data")).features("empty")
                .featureSource(FeatureSource.directory(tmp.resolve("features")))
                .bundleSource(BundleSource.mavenRepository(tmp.resolve("repo"))).build();
        VeilswarmLaunchException e = assertThrows(VeilswarmLaunchException.class, second::start);
        assertTrue(e.getMessage().contains("in use by another running Veilswarm node"), e.getMessage());
        assertTrue(first.isRunning(), "the first node is untouched");
        first.stop();
        second.start();
        assertTrue(second.isRunning(), "the lock is released when the first stops");
        node = second;
        assertNotEquals(first, second);
    }

    static Bundle bundle(BundleContext c, String symbolicName) {
        Bundle b = find(c, symbolicName);
        if (b == null) {
            throw new AssertionError("no bundle " + symbolicName);
        }
        return b;
    }

    static Bundle find(BundleContext c, String symbolicName) {
        for (Bundle b : c.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b;
            }
        }
        return null;
    }
}
