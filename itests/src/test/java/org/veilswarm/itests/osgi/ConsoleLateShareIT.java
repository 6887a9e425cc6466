package org.veilswarm.itests.osgi;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Hashtable;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.CoreOptions;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkListener;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.service.cm.ConfigurationAdmin;
import org.veilswarm.itests.support.Await;
import org.veilswarm.itests.support.ConsoleClient;
import org.veilswarm.itests.support.ConsoleClient.Bearer;
import org.veilswarm.itests.support.ConsoleClient.Credentials;
import org.veilswarm.itests.support.ConsoleClient.Reply;
import org.veilswarm.itests.support.Feature;
import org.veilswarm.itests.support.Json;
import org.veilswarm.itests.support.NodeContext;
import org.veilswarm.itests.support.NodeIT;
import org.veilswarm.itests.support.Ports;
import org.veilswarm.itests.support.ResolvedArtifacts;
import org.veilswarm.itests.support.VeilswarmOptions;

/**
 * The share bundles installed through the console into a node that is already running: the console resolved
 * without {@code org.veilswarm.share.api}, so it can only reach that package through its dynamic import. Without
 * any framework refresh, {@code /api/shares} goes from 503 (no share bundle) to 200 once the share feature's
 * bundles are installed and started over {@code POST /api/bundles}.
 *
 * <p>No class of the share API is referenced here: the probe must resolve before the share bundle exists.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ConsoleLateShareIT extends NodeIT {

    private static final String SHARE_API = "org.veilswarm.share.api";

    private static final String[] BOOT_FEATURES = {"core", "console", "transport-direct", "tracker"};

    /** Framework property carrying the share bundles' jar URLs, comma-separated, in start order. */
    private static final String LATE_BUNDLES = "veilswarm.itests.late.bundles";

    /**
     * Everything the share feature needs (core, tracker, a transport) and the console, but not the share feature.
     * The feature files are read here, outside the container; the test inside gets the jars to install from a
     * framework property.
     */
    @Override
    @org.ops4j.pax.exam.Configuration
    public Option[] config() {
        List<Option> options = new ArrayList<>(List.of(VeilswarmOptions.node(getClass(), BOOT_FEATURES)));
        options.add(CoreOptions.frameworkProperty(LATE_BUNDLES).value(String.join(",", shareBundlesNotBooted())));
        return options.toArray(Option[]::new);
    }

    /** The share feature's bundles, in start order, except those the boot features already hold (bencode). */
    private static List<String> shareBundlesNotBooted() {
        Set<String> booted = new HashSet<>();
        for (Feature feature : VeilswarmOptions.features(BOOT_FEATURES)) {
            feature.bundles().forEach(b -> booted.add(b.id()));
        }
        ResolvedArtifacts artifacts = ResolvedArtifacts.load();
        return VeilswarmOptions.features("share").get(0).bundles().stream()
                .filter(b -> !booted.contains(b.id()))
                .sorted(Comparator.comparingInt(Feature.Bundle::startOrder))
                .map(b -> artifacts.jar(b).toUri().toString())
                .toList();
    }

    @Test
    public void sharesApiAppearsWhenTheShareBundlesAreInstalledLaterWithoutARefresh() throws Exception {
        node.awaitFile("console.url");
        Credentials bearer = new Bearer(Files.readString(node.dataDirectory().resolve("management.token")).strip());
        ConsoleClient console = new ConsoleClient(node.httpPort());
        assertNull("the share bundle is already installed\n" + node.describeBundles(), node.bundle("org.veilswarm.share"));

        Reply before = console.get("/api/shares", bearer);
        assertEquals(before.toString(), 503, before.status());

        Bundle consoleBundle = node.bundle("org.veilswarm.console");
        assertNotNull(consoleBundle);
        BundleWiring wiringBefore = consoleBundle.adapt(BundleWiring.class);
        assertNull("the console is wired to " + SHARE_API + " before the share bundle exists",
                shareApiWire(wiringBefore));
        AtomicInteger refreshes = new AtomicInteger();
        FrameworkListener refreshCounter = event -> {
            if (event.getType() == FrameworkEvent.PACKAGES_REFRESHED) {
                refreshes.incrementAndGet();
            }
        };
        context.addFrameworkListener(refreshCounter);
        try {
            useFreeLoopbackPorts();
            List<String> jars = List.of(context.getProperty(LATE_BUNDLES).split(","));
            assertTrue("the last bundle to install is not the share bundle: " + jars,
                    jars.get(jars.size() - 1).contains("/share-"));
            for (String jar : jars) {
                Reply installed = console.postJson("/api/bundles",
                        "{\"url\":" + Json.quote(jar) + ",\"start\":true}", bearer);
                assertEquals(jar + ": " + installed, 201, installed.status());
                assertEquals(jar + ": " + installed, "ACTIVE", installed.object().get("state"));
            }

            Reply[] last = new Reply[1];
            Await.until("GET /api/shares to answer 200", NodeContext.TIMEOUT, () -> {
                try {
                    last[0] = console.get("/api/shares", bearer);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                return last[0].status() == 200;
            }, () -> last[0] + "\n" + node.describeBundles());
            assertEquals("a fresh node shares nothing: " + last[0], List.of(), last[0].array());
            Reply downloads = console.get("/api/downloads", bearer);
            assertEquals(downloads.toString(), 200, downloads.status());

            // The same wiring, now with a dynamic wire to the share bundle: nothing was refreshed.
            assertEquals(Bundle.ACTIVE, consoleBundle.getState());
            BundleWiring wiringAfter = consoleBundle.adapt(BundleWiring.class);
            assertSame("the console was re-resolved", wiringBefore, wiringAfter);
            BundleWire wire = shareApiWire(wiringAfter);
            assertNotNull("the console reached " + SHARE_API + " without a wire", wire);
            assertEquals("org.veilswarm.share", wire.getProvider().getSymbolicName());
            assertEquals("the framework refreshed packages", 0, refreshes.get());
        } finally {
            context.removeFrameworkListener(refreshCounter);
        }
    }

    private static BundleWire shareApiWire(BundleWiring wiring) {
        for (BundleWire wire : wiring.getRequiredWires(PackageNamespace.PACKAGE_NAMESPACE)) {
            if (SHARE_API.equals(wire.getCapability().getAttributes().get(PackageNamespace.PACKAGE_NAMESPACE))) {
                return wire;
            }
        }
        return null;
    }

    /** The swarm engine and the tracker default to fixed ports (8429, 6969); other tests may run beside us. */
    private void useFreeLoopbackPorts() throws IOException {
        ConfigurationAdmin cm = node.awaitService(ConfigurationAdmin.class, null, NodeContext.TIMEOUT);
        Hashtable<String, Object> swarm = new Hashtable<>();
        swarm.put("port", Ports.freeLoopbackPort());
        NodeContext.configuration(cm, "org.veilswarm.swarm").update(swarm);
        Hashtable<String, Object> tracker = new Hashtable<>();
        tracker.put("port", Ports.freeLoopbackPort());
        NodeContext.configuration(cm, "org.veilswarm.tracker").update(tracker);
    }
}
