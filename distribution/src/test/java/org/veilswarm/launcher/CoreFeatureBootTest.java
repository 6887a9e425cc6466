package org.veilswarm.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.service.cm.ConfigurationAdmin;
import org.veilswarm.launcher.internal.FrameworkProperties;

/** Boots the real core feature in Felix and checks that it is whole. */
class CoreFeatureBootTest extends OneNodeTest {


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
        assertEquals(23, managed, "the core feature lists 23 bundles");
        assertEquals(List.of(), node.problems());
        assertNotNull(system.getServiceReference("org.osgi.service.component.runtime.ServiceComponentRuntime"),
                "SCR registers ServiceComponentRuntime");
    }

    /**
     * Jetty, HikariCP and Netty log through slf4j, which binds to a provider once, at its first use. A first use
     * before the provider is there binds it to the no-operation logger for the life of the node: every warning and
     * error of those libraries lost (Jetty's "Failed to bind" among them). The launcher's own early Netty calls
     * ({@code NettyProbes}) did exactly that while the provider came from SPI Fly. The provider now lives in
     * slf4j-api's own class loader and writes to {@link System.Logger}, where this test reads the line.
     */
    @Test
    void slf4jInsideTheNodeWritesToSystemLogger() throws ReflectiveOperationException {
        node = TestNodes.builder(data).features("core").build();
        node.start();

        Bundle api = bundle(node.framework().getBundleContext(), "slf4j.api");
        Class<?> loggerFactory = api.loadClass("org.slf4j.LoggerFactory");
        Object factory = loggerFactory.getMethod("getILoggerFactory").invoke(null);
        assertEquals("org.veilswarm.slf4j.provider.SystemLoggerFactory", factory.getClass().getName(),
                "slf4j in the node is bound to " + factory.getClass().getName());

        String name = "org.veilswarm.test.slf4j." + System.nanoTime();
        List<java.util.logging.LogRecord> records = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Logger jul = java.util.logging.Logger.getLogger(name);
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                records.add(r);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        jul.addHandler(capture);
        try {
            Object logger = loggerFactory.getMethod("getLogger", String.class).invoke(null, name);
            logger.getClass().getMethod("warn", String.class, Object[].class)
                    .invoke(logger, "port {} taken by {}", new Object[] {8427, "another node", new IllegalStateException("x")});
        } finally {
            jul.removeHandler(capture);
        }
        assertEquals(1, records.size(), "records on " + name);
        assertEquals(java.util.logging.Level.WARNING, records.get(0).getLevel());
        assertEquals("port 8427 taken by another node", records.get(0).getMessage());
        assertEquals("x", records.get(0).getThrown().getMessage(), "a trailing throwable is the record's cause");
    }

    /**
     * The slf4j provider stands in for the Service Loader Mediator slf4j-api requires; a plugin that needs a real
     * mediator must not be wired to the stand-in (its ServiceLoader calls would quietly find nothing) but fail to
     * resolve, naming the extender it lacks.
     */
    @Test
    void aPluginThatNeedsAServiceLoaderMediatorIsNotWiredToSlf4jsStandIn() throws Exception {
        node = TestNodes.builder(data).features("core").build();
        node.start();

        Path jar = data.resolve("build/mediated.jar");
        TestBundles.write(jar, java.util.Map.of("Bundle-ManifestVersion", "2", "Bundle-SymbolicName", "org.example.mediated",
                "Bundle-Version", "1.0.0", "Require-Capability",
                "osgi.extender;filter:=\"(&(osgi.extender=osgi.serviceloader.processor)(version>=1.0.0)(!(version>=2.0.0)))\""));
        Bundle plugin = node.framework().getBundleContext().installBundle(jar.toUri().toString());
        org.osgi.framework.BundleException e = assertThrows(org.osgi.framework.BundleException.class, plugin::start);
        assertTrue(e.getMessage().contains("osgi.serviceloader.processor"), e.getMessage());
        assertEquals(Bundle.ACTIVE, bundle(node.framework().getBundleContext(), "slf4j.api").getState());
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
        assertEquals(data.resolve("tmp").resolve("fileinstall").toAbsolutePath().toString(),
                c.getProperty("felix.fileinstall.tmpdir"));
    }

    /**
     * FileInstall works in the data directory, not in a {@code fileinstall-<random>} directory of {@code /tmp} that a
     * killed node would leave behind at every start.
     */
    @Test
    void fileInstallKeepsItsWorkDirectoryInTheDataDirectory() {
        node = TestNodes.builder(data).features("core").build();
        node.start();
        assertTrue(Files.isDirectory(data.resolve("tmp").resolve("fileinstall")),
                "FileInstall created its work directory under the data directory");
    }

    /**
     * Felix keeps at most {@link FrameworkProperties#OPEN_BUNDLE_FILES} bundle JARs open (each open one holds its
     * central directory on the heap), and a bundle whose JAR was closed still serves its entries: every bundle's
     * manifest is read after the start, and the count is checked again.
     */
    @Test
    void felixKeepsFewBundleJarsOpenAndReopensThemOnDemand() throws IOException {
        node = TestNodes.builder(data).features("core").build();
        node.start();
        assertEquals("10", node.framework().getBundleContext().getProperty("felix.cache.filelimit"));
        long afterStart = openFilesUnder(data.resolve("felix-cache"));
        assertTrue(afterStart <= FrameworkProperties.OPEN_BUNDLE_FILES,
                afterStart + " bundle JARs open after the start of 23 bundles");

        int read = 0;
        for (Bundle b : node.framework().getBundleContext().getBundles()) {
            if (!b.getLocation().startsWith("veilswarm:bundle:")) {
                continue;
            }
            URL manifest = b.getEntry("META-INF/MANIFEST.MF");
            assertNotNull(manifest, b.getSymbolicName() + " has no manifest entry");
            try (InputStream in = manifest.openStream()) {
                assertTrue(in.readAllBytes().length > 0, b.getSymbolicName() + "'s manifest is empty");
            }
            read++;
        }
        assertEquals(23, read);
        long afterReads = openFilesUnder(data.resolve("felix-cache"));
        assertTrue(afterReads <= FrameworkProperties.OPEN_BUNDLE_FILES,
                afterReads + " bundle JARs open after reading every bundle's manifest");
    }

    /** Open JAR files of this process below {@code directory} (Linux /proc; Felix also holds a lock file there). */
    private static long openFilesUnder(Path directory) throws IOException {
        Path root = directory.toRealPath();
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.map(fd -> {
                try {
                    return Files.readSymbolicLink(fd);
                } catch (IOException gone) {
                    return Path.of("/");
                }
            }).filter(target -> target.startsWith(root) && target.toString().endsWith(".jar")).count();
        }
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
