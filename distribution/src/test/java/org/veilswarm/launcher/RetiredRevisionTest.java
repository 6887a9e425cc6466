package org.veilswarm.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.lang.ref.WeakReference;
import java.net.URL;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.wiring.FrameworkWiring;

/**
 * A bundle updated in a running node leaves nothing behind: once the framework has refreshed it, its retired
 * revision, class loader and classes included, is garbage. A real node of the core, direct transport, tracker and
 * share features in Felix (the swarm engine listens on the direct transport), and one of the testnet's features;
 * each bundle of the list is updated three times from its own jar and refreshed, as an operator does through the
 * console. Before session 15 the swarm engine kept every retired transport revision through its closed listeners;
 * before session 16 a listen waiting for the directory kept the share bundle's revisions, and Netty's HTTP decoder
 * the first revisions of directory-http, directory-core and crypto (docs/performance.md, "Node memory").
 */
class RetiredRevisionTest extends OneNodeTest {
    private static final String LEAK_DETECTION = "io.netty.leakDetection.level";
    private static String leakDetectionBefore;

    /**
     * Every buffer tracked, so that a leak-detector record holding a retired revision (a stack trace of an allocation
     * through its classes, kept until the buffer is released) fails every run instead of one run in a hundred, as
     * directory-http's did until session 20. Netty reads the level when each node's Netty bundles start.
     */
    @org.junit.jupiter.api.BeforeAll
    static void trackEveryBuffer() {
        leakDetectionBefore = System.setProperty(LEAK_DETECTION, "paranoid");
    }

    @org.junit.jupiter.api.AfterAll
    static void restoreLeakDetection() {
        if (leakDetectionBefore == null) {
            System.clearProperty(LEAK_DETECTION);
        } else {
            System.setProperty(LEAK_DETECTION, leakDetectionBefore);
        }
    }


    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "direct, org.veilswarm.transport.direct.impl.DirectTransportEngine, true",
        "tracker-store-memory, org.veilswarm.tracker.store.memory.MemoryTrackerStore, true",
        "tracker, org.veilswarm.tracker.impl.TrackerService, true",
        "share, org.veilswarm.share.impl.ShareService, true",
        "swarm, org.veilswarm.swarm.engine.SwarmEngine, false",
    })
    void anUpdatedBundlesRetiredRevisionsAreCollected(String artifact, String someClass, boolean registers)
            throws Exception {
        node = TestNodes.builder(data).features("core", "transport-direct", "tracker-memory", "share")
                .configuration("org.veilswarm.tracker", Map.of("port", TestNodes.freePort()))
                .configuration("org.veilswarm.swarm", Map.of("port", TestNodes.freePort()))
                .build();
        node.start();
        assertEquals(List.of(), node.problems());
        assertRetiredRevisionsCollected(artifact, someClass, registers);
    }

    private void assertRetiredRevisionsCollected(String artifact, String someClass, boolean registers)
            throws Exception {
        Bundle updated = bundle("org.veilswarm." + artifact);
        assertNotNull(updated, artifact);
        List<WeakReference<Class<?>>> retired = new java.util.ArrayList<>();
        RetainedRevisions revisions = new RetainedRevisions();
        for (int update = 0; update < 3; update++) {
            revisions.remember(node.framework().getBundleContext(), update);
            retired.add(new WeakReference<>(awaitClass(updated, someClass, registers)));
            URL location = new URL(jarOf(updated, artifact));
            try (InputStream in = location.openStream()) {
                updated.update(in);
            }
            refresh(updated);
        }
        awaitClass(updated, someClass, registers); // the new revision works (its components run again)
        for (int i = 0; i < 100 && retired.stream().anyMatch(r -> r.get() != null); i++) {
            System.gc();
            Thread.sleep(50);
        }
        // -Dveilswarm.test.heapDumpDir=DIR: a heap dump besides the message's chain (docs/plugin-authors.md,
        // "When the path ends nowhere").
        String dumpDir = System.getProperty("veilswarm.test.heapDumpDir", "");
        if (!dumpDir.isBlank() && retired.stream().anyMatch(r -> r.get() != null)) {
            java.lang.management.ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class)
                    .dumpHeap(Path.of(dumpDir, artifact + "-" + System.nanoTime() + ".hprof").toString(), true);
        }
        assertEquals(0, retired.stream().filter(r -> r.get() != null).count(),
                () -> "retired revisions of " + artifact + " still reachable (of " + retired.size() + ")"
                        + revisions.explain(node.framework().getBundleContext()));
    }

    /**
     * The same in a node of the testnet's features: the console, the onion transport and the consensus directory
     * (no authorities: the node keeps asking for a directory, which is what a node does before its network is
     * up), the tracker on the JDBC store and shares.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "onion, org.veilswarm.transport.onion.internal.OnionTransportComponent, true",
        "directory-consensus, org.veilswarm.directory.consensus.impl.ConsensusDirectoryScheme, true",
        "directory-core, org.veilswarm.directory.core.ConsensusDocument, false",
        "console, org.veilswarm.console.impl.ConsoleAnnouncer, true",
        "tracker-store-jdbc, org.veilswarm.tracker.store.jdbc.JdbcTrackerStoreComponent, true",
        "node, org.veilswarm.node.impl.NodeIdentityComponent, true",
        "crypto, org.veilswarm.crypto.Ed25519, false",
        "metainfo, org.veilswarm.metainfo.HashValue, false",
    })
    void anUpdatedBundlesRetiredRevisionsAreCollectedInATestnetNode(String artifact, String someClass,
            boolean registers) throws Exception {
        node = TestNodes.builder(data)
                .features("core", "console", "transport-onion", "directory-consensus", "tracker", "share")
                .configuration("org.veilswarm.tracker", Map.of("port", TestNodes.freePort()))
                .configuration("org.veilswarm.swarm", Map.of("port", TestNodes.freePort()))
                .configuration("org.veilswarm.directory.consensus",
                        Map.of("authorities", new String[] {unreachableAuthority()}))
                .build();
        node.start();
        assertEquals(List.of(), node.problems());
        assertRetiredRevisionsCollected(artifact, someClass, registers);
    }

    /** An authority's key at a loopback port nobody listens on: the directory scheme runs and keeps retrying. */
    private static String unreachableAuthority() throws Exception {
        byte[] spki = java.security.KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPublic().getEncoded();
        byte[] raw = java.util.Arrays.copyOfRange(spki, spki.length - 32, spki.length);
        return java.util.Base64.getEncoder().encodeToString(raw) + "@127.0.0.1:" + TestNodes.freePort();
    }

    private Bundle bundle(String symbolicName) {
        for (Bundle b : node.framework().getBundleContext().getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b;
            }
        }
        return null;
    }

    /** {@code name} of the bundle's current revision, once the bundle is active (with a service, if it registers). */
    private static Class<?> awaitClass(Bundle bundle, String name, boolean registers) throws Exception {
        for (int i = 0; i < 200; i++) {
            if (bundle.getState() == Bundle.ACTIVE && (!registers || bundle.getRegisteredServices() != null)) {
                return bundle.loadClass(name);
            }
            Thread.sleep(50);
        }
        throw new AssertionError(bundle.getSymbolicName() + " did not become active (with its services) again");
    }

    /** The jar the launcher installed the bundle from, in the test bundles' Maven layout. */
    private static String jarOf(Bundle b, String artifact) {
        String version = b.getVersion().toString().replace(".SNAPSHOT", "-SNAPSHOT");
        Path dir = Path.of(System.getProperty("veilswarm.test.bundles"), "org", "veilswarm", artifact, version);
        return dir.resolve(artifact + "-" + version + ".jar").toUri().toString();
    }

    private void refresh(Bundle b) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        node.framework().adapt(FrameworkWiring.class).refreshBundles(List.of(b), event -> {
            if (event.getType() == FrameworkEvent.PACKAGES_REFRESHED) {
                done.countDown();
            }
        });
        assertTrue(done.await(30, TimeUnit.SECONDS), () -> "the refresh did not end; threads:" + threadDump());
    }

    /** Every thread's stack, for a refresh that hangs: the threads of a deactivation waiting on each other. */
    private static String threadDump() {
        StringBuilder dump = new StringBuilder();
        Thread.getAllStackTraces().forEach((thread, stack) -> {
            dump.append("\n\"").append(thread.getName()).append("\" ").append(thread.getState());
            for (StackTraceElement frame : stack) {
                dump.append("\n    at ").append(frame);
            }
        });
        return dump.toString();
    }
}
