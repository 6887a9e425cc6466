package org.veilswarm.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.service.cm.ConfigurationAdmin;

/** Boots the real core feature in Felix and checks that it is whole. */
class CoreFeatureBootTest {

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
    void everyCoreBundleIsActiveAndDeclarativeServicesRuns() {
        node = TestNodes.builder(data).features("core").build();
        node.start();

        BundleContext system = node.framework().getBundleContext();
        List<String> notWorking = new ArrayList<>();
        int managed = 0;
        for (Bundle b : system.getBundles()) {
            if (!b.getLocation().startsWith("veilswarm:bundle:")) {
                continue;
            }
            managed++;
            boolean fragment = (b.adapt(BundleRevision.class).getTypes() & BundleRevision.TYPE_FRAGMENT) != 0;
            int expected = fragment ? Bundle.RESOLVED : Bundle.ACTIVE;
            if (b.getState() != expected) {
                notWorking.add(b.getSymbolicName() + " state " + b.getState());
            }
        }
        assertEquals(List.of(), notWorking);
        assertEquals(29, managed, "the core feature lists 29 bundles");
        assertEquals(List.of(), node.problems());
        assertNotNull(system.getServiceReference("org.osgi.service.component.runtime.ServiceComponentRuntime"),
                "SCR registers ServiceComponentRuntime");
    }

    @Test
    void configurationAdminUsesTheSystemBundlesConfigAdminPackage() {
        node = TestNodes.builder(data).features("core").build();
        node.start();

        BundleContext system = node.framework().getBundleContext();
        assertNotNull(system.getServiceReference(ConfigurationAdmin.class),
                "the launcher sees Configuration Admin through its own class of the same name");
        Bundle configAdmin = bundle(system, "org.apache.felix.configadmin");
        List<Long> providers = new ArrayList<>();
        for (BundleWire w : configAdmin.adapt(BundleWiring.class).getRequiredWires(PackageNamespace.PACKAGE_NAMESPACE)) {
            if ("org.osgi.service.cm".equals(w.getCapability().getAttributes().get(PackageNamespace.PACKAGE_NAMESPACE))) {
                providers.add(w.getProvider().getBundle().getBundleId());
            }
        }
        assertEquals(List.of(0L), providers, "org.osgi.service.cm is wired to the system bundle (id 0)");
    }

    @Test
    void frameworkPropertiesFollowTheContract() {
        node = TestNodes.builder(data).features("core").consoleHost("127.0.0.1").consolePort(18427).build();
        node.start();
        BundleContext c = node.framework().getBundleContext();
        assertEquals(data.toAbsolutePath().toString(), c.getProperty("veilswarm.data.dir"));
        assertEquals("18427", c.getProperty("org.osgi.service.http.port"));
        assertEquals("127.0.0.1", c.getProperty("org.apache.felix.http.host"));
        assertEquals(data.resolve("config").toAbsolutePath().toString(), c.getProperty("felix.cm.dir"));
        assertEquals(data.resolve("felix-cache").toAbsolutePath().toString(), c.getProperty("org.osgi.framework.storage"));
        assertEquals(data.resolve("deploy").toAbsolutePath().toString(), c.getProperty("felix.fileinstall.dir"));
        assertTrue(data.resolve("felix-cache").toFile().isDirectory());
    }

    @Test
    void consoleUrlFailsWithAClearMessageWithoutTheConsoleFeature() {
        node = TestNodes.builder(data).features("core").build();
        node.start();
        VeilswarmLaunchException e = assertThrows(VeilswarmLaunchException.class,
                () -> node.consoleUrl(Duration.ofMillis(300)));
        assertTrue(e.getMessage().contains("console.url was not written"), e.getMessage());
        assertTrue(e.getMessage().contains("the 'console' feature is not among [core]"), e.getMessage());
    }

    @Test
    void staleConsoleUrlFromAKilledNodeIsRemovedAtStart() throws Exception {
        Files.writeString(data.resolve("console.url"), "http://127.0.0.1:1/management/stale-token-from-a-killed-node\n");
        node = TestNodes.builder(data).features("core").build();
        node.start();
        assertFalse(Files.exists(data.resolve("console.url")), "deleted at start, under the data directory lock");
    }

    static Bundle bundle(BundleContext c, String symbolicName) {
        for (Bundle b : c.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError("no bundle " + symbolicName);
    }
}
