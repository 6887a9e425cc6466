package org.veilswarm.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/** A second start on the same data directory: nothing reinstalled, configurations kept. */
class RestartTest extends OneNodeTest {


    private VeilswarmNode core() {
        return TestNodes.builder(data).features("core")
                .configuration("org.veilswarm.test.override", Map.of("answer", 42, "mode", "embedded")).build();
    }

    @Test
    void restartKeepsBundlesAndConfigurations() throws Exception {
        node = core();
        node.start();
        Map<String, Long> firstInstall = installTimes(node.framework().getBundleContext());
        try (Admin admin = new Admin(node)) {
            // What an operator might do at run time: change the node's default configuration and add another.
            Configuration nodeConfig = admin.cm.getConfiguration("org.veilswarm.node", "?");
            assertNotNull(nodeConfig.getProperties(), "the core feature's default configuration for org.veilswarm.node exists");
            Dictionary<String, Object> changed = nodeConfig.getProperties();
            changed.put("nickname", "changed-at-run-time");
            nodeConfig.update(changed);
            admin.cm.getConfiguration("org.veilswarm.test.runtime", "?").update(new Hashtable<>(Map.of("kept", true)));
        }
        node.stop();

        node = core();
        node.start();
        assertEquals(firstInstall, installTimes(node.framework().getBundleContext()),
                "same bundle ids, none reinstalled or updated");
        try (Admin admin = new Admin(node)) {
            assertEquals("changed-at-run-time",
                    admin.cm.getConfiguration("org.veilswarm.node", "?").getProperties().get("nickname"),
                    "a feature's default does not overwrite what the operator changed");
            assertEquals(true, admin.cm.getConfiguration("org.veilswarm.test.runtime", "?").getProperties().get("kept"));
            Dictionary<String, Object> override = admin.cm.getConfiguration("org.veilswarm.test.override", "?").getProperties();
            assertEquals(42, override.get("answer"));
            assertEquals("embedded", override.get("mode"));
        }
    }

    @Test
    void overridesAreWrittenAtEveryStartAndKeepOtherKeys() throws Exception {
        node = core();
        node.start();
        try (Admin admin = new Admin(node)) {
            Configuration c = admin.cm.getConfiguration("org.veilswarm.test.override", "?");
            Dictionary<String, Object> p = c.getProperties();
            p.put("answer", 7);
            p.put("extra", "operator");
            c.update(p);
        }
        node.stop();

        node = core();
        node.start();
        try (Admin admin = new Admin(node)) {
            Dictionary<String, Object> p = admin.cm.getConfiguration("org.veilswarm.test.override", "?").getProperties();
            assertEquals(42, p.get("answer"), "the embedder's value wins at start");
            assertEquals("operator", p.get("extra"), "keys the embedder does not set are kept");
        }
    }

    private static Map<String, Long> installTimes(BundleContext c) {
        Map<String, Long> times = new TreeMap<>();
        for (Bundle b : c.getBundles()) {
            if (b.getLocation().startsWith("veilswarm:bundle:")) {
                times.put(b.getBundleId() + " " + b.getSymbolicName(), b.getLastModified());
            }
        }
        return times;
    }

    /** Configuration Admin from the launcher's side, as the launcher itself uses it. */
    private static final class Admin implements AutoCloseable {
        final BundleContext context;
        final ServiceReference<ConfigurationAdmin> ref;
        final ConfigurationAdmin cm;

        Admin(VeilswarmNode node) {
            context = node.framework().getBundleContext();
            ref = context.getServiceReference(ConfigurationAdmin.class);
            cm = context.getService(ref);
        }

        @Override
        public void close() {
            context.ungetService(ref);
        }
    }
}
