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

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.wiring.FrameworkWiring;

/**
 * A bundle updated in a running node leaves nothing behind: once the framework has refreshed it, its retired
 * revision, class loader and classes included, is garbage. A real node of the core, direct transport, tracker and
 * share features in Felix (the swarm engine listens on the direct transport); the direct transport is updated three
 * times from its own jar, as an operator does through the console. Before session 15 the swarm engine kept every
 * retired transport revision through its closed listeners (docs/performance.md, "Node memory", session 15).
 */
class RetiredRevisionTest {
    private static final String DIRECT = "org.veilswarm.direct";
    private static final String ENGINE_CLASS = "org.veilswarm.transport.direct.impl.DirectTransportEngine";

    @TempDir
    Path data;

    private VeilswarmNode node;

    @AfterEach
    void stop() {
        if (node != null) {
            node.stop();
        }
    }

    @Test
    void anUpdatedTransportsRetiredRevisionsAreCollected() throws Exception {
        node = TestNodes.builder(data).features("core", "transport-direct", "tracker-memory", "share")
                .configuration("org.veilswarm.tracker", Map.of("port", TestNodes.freePort()))
                .configuration("org.veilswarm.swarm", Map.of("port", TestNodes.freePort()))
                .build();
        node.start();
        assertEquals(List.of(), node.problems());
        Bundle direct = bundle(DIRECT);
        assertNotNull(direct, "the direct transport bundle");
        List<WeakReference<Class<?>>> retired = new java.util.ArrayList<>();
        for (int update = 0; update < 3; update++) {
            retired.add(new WeakReference<>(awaitEngineClass(direct)));
            URL location = new URL(jarOf(direct));
            try (InputStream in = location.openStream()) {
                direct.update(in);
            }
            refresh(direct);
        }
        awaitEngineClass(direct); // the new revision works (its component runs again)
        for (int i = 0; i < 100 && retired.stream().anyMatch(r -> r.get() != null); i++) {
            System.gc();
            Thread.sleep(50);
        }
        assertEquals(0, retired.stream().filter(r -> r.get() != null).count(),
                "retired revisions of the direct transport still reachable (of " + retired.size() + ")");
    }

    private Bundle bundle(String symbolicName) {
        for (Bundle b : node.framework().getBundleContext().getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b;
            }
        }
        return null;
    }

    /** The transport's engine class of the bundle's current revision, once its component has activated. */
    private static Class<?> awaitEngineClass(Bundle direct) throws Exception {
        for (int i = 0; i < 200; i++) {
            if (direct.getState() == Bundle.ACTIVE && direct.getRegisteredServices() != null) {
                return direct.loadClass(ENGINE_CLASS);
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the direct transport did not register its service again");
    }

    /** The jar the launcher installed the bundle from, in the test bundles' Maven layout. */
    private static String jarOf(Bundle b) {
        String version = b.getVersion().toString().replace(".SNAPSHOT", "-SNAPSHOT");
        Path dir = Path.of(System.getProperty("veilswarm.test.bundles"), "org", "veilswarm", "direct", version);
        return dir.resolve("direct-" + version + ".jar").toUri().toString();
    }

    private void refresh(Bundle b) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        node.framework().adapt(FrameworkWiring.class).refreshBundles(List.of(b), event -> {
            if (event.getType() == FrameworkEvent.PACKAGES_REFRESHED) {
                done.countDown();
            }
        });
        assertTrue(done.await(30, TimeUnit.SECONDS), "the refresh did not end");
    }
}
