package org.veilswarm.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/** FileInstall (in core) watches the deploy directory: a dropped jar is installed and started, a removed one uninstalled. */
class HotDeploymentTest extends OneNodeTest {

    /** FileInstall polls every 500 ms here (2 s by default); this leaves room for a slow, shared machine. */
    private static final Duration PATIENCE = Duration.ofSeconds(30);


    @Test
    void droppedJarIsInstalledAndRemovedJarUninstalled() throws Exception {
        Path deploy = data.resolve("deploy");
        node = TestNodes.builder(data).features("core").deployDirectory(deploy)
                .frameworkProperty("felix.fileinstall.poll", "500").build();
        node.start();
        BundleContext c = node.framework().getBundleContext();

        Path built = TestBundles.bundle(data.resolve("build"), "hot", "1.0.0", Map.of());
        // Copy under a temporary name, then rename: FileInstall must never see half a jar.
        Path partial = deploy.resolve("hot.jar.part");
        Files.copy(built, partial);
        Files.move(partial, deploy.resolve("hot.jar"));

        Bundle hot = await(() -> {
            Bundle b = BundleInstallationTest.find(c, "org.example.hot");
            return b != null && b.getState() == Bundle.ACTIVE ? b : null;
        }, "the dropped bundle to become ACTIVE");
        assertEquals("1.0.0", hot.getVersion().toString());

        Files.delete(deploy.resolve("hot.jar"));
        // Felix drops the bundle from the framework's list before it sets UNINSTALLED on FileInstall's thread:
        // wait for both (the state was once read as RESOLVED in between).
        await(() -> BundleInstallationTest.find(c, "org.example.hot") == null && hot.getState() == Bundle.UNINSTALLED
                ? Boolean.TRUE : null, "the removed bundle to be uninstalled");
        assertEquals(Bundle.UNINSTALLED, hot.getState());
    }

    private static <T> T await(Supplier<T> condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (System.nanoTime() < deadline) {
            T value = condition.get();
            if (value != null) {
                return value;
            }
            Thread.sleep(100);
        }
        T last = condition.get();
        assertNotNull(last, "timed out after " + PATIENCE.toSeconds() + " s waiting for " + what);
        return last;
    }
}
