package org.veilswarm.launcher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Dictionary;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationEvent;
import org.osgi.service.cm.ConfigurationListener;

/**
 * A configuration file in the deploy directory stays as the operator wrote it (issue #9). With FileInstall's
 * default {@code felix.fileinstall.enableConfigSave=true}, every update of the PID (FileInstall's own first one
 * included) made FileInstall truncate the file and write the configuration back in its own layout; a scan reading
 * the file meanwhile applied what it found, and a tor transport restarted with the defaults. Real Felix,
 * Configuration Admin and FileInstall (feature core).
 */
class DeployedConfigurationTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final String PID = "org.example.deployed";
    private static final String LATER_PID = "org.example.later";
    /** Felix's typed format as an operator writes it: escaped spaces and '=', an array on one line. */
    private static final String OPERATOR_FILE = "# the operator's comment\n"
            + "mode=\"owned\"\n"
            + "bootstrapTimeoutSeconds=I\"150\"\n"
            + "extraTorrcLines=[\"DisableNetwork\\ 1\",\"DirAuthority\\ a\\ orport\\=5\\ 127.0.0.1:7\\ 00\"]\n";

    @TempDir
    Path data;

    private VeilswarmNode node;
    private ServiceRegistration<ConfigurationListener> listener;

    @AfterEach
    void stop() {
        if (listener != null) {
            listener.unregister();
        }
        if (node != null) {
            node.stop();
        }
    }

    @Test
    void deployedFileIsAppliedAndNeverWrittenBack() throws Exception {
        Path deploy = data.resolve("deploy");
        Files.createDirectories(deploy);
        Path file = deploy.resolve(PID + ".config");
        Files.writeString(file, OPERATOR_FILE, StandardCharsets.ISO_8859_1);
        byte[] written = Files.readAllBytes(file);

        node = TestNodes.builder(data).features("core").deployDirectory(deploy)
                .frameworkProperty("felix.fileinstall.poll", "500").build();
        node.start();
        BundleContext c = node.framework().getBundleContext();
        // Configuration Admin delivers its events to all listeners in order on one thread: once this listener has
        // seen LATER_PID's update, FileInstall's listener has handled the earlier update of PID (where it wrote
        // the file back when configuration save was on).
        Set<String> updated = ConcurrentHashMap.newKeySet();
        listener = c.registerService(ConfigurationListener.class, event -> {
            if (event.getType() == ConfigurationEvent.CM_UPDATED) {
                updated.add(event.getPid());
            }
        }, null);
        ConfigurationAdmin admin = c.getService(c.getServiceReference(ConfigurationAdmin.class));

        Dictionary<String, Object> applied = await(() -> {
            try {
                var configs = admin.listConfigurations("(service.pid=" + PID + ")");
                return configs == null ? null : configs[0].getProperties();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "FileInstall to apply " + file);
        assertEquals(150, applied.get("bootstrapTimeoutSeconds"));
        assertArrayEquals(new String[] {"DisableNetwork 1", "DirAuthority a orport=5 127.0.0.1:7 00"},
                (String[]) applied.get("extraTorrcLines"));

        // A second PID, deployed now, orders the check after FileInstall handled every event of the first.
        Path later = deploy.resolve(LATER_PID + ".cfg");
        Files.writeString(later.resolveSibling(LATER_PID + ".tmp"), "a=b\n");
        Files.move(later.resolveSibling(LATER_PID + ".tmp"), later);
        await(() -> updated.contains(LATER_PID) ? Boolean.TRUE : null, "the update event of " + LATER_PID);

        assertEquals(new String(written, StandardCharsets.ISO_8859_1),
                Files.readString(file, StandardCharsets.ISO_8859_1),
                "the deployed file must stay as the operator wrote it (FileInstall configuration save is off)");
        assertEquals("b", await(() -> {
            try {
                var configs = admin.listConfigurations("(service.pid=" + LATER_PID + ")");
                return configs == null ? null : configs[0].getProperties();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, LATER_PID).get("a"));
        assertEquals("a=b\n", Files.readString(later, StandardCharsets.ISO_8859_1), LATER_PID + " was not written back either");
    }

    private static <T> T await(java.util.function.Supplier<T> condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (System.nanoTime() < deadline) {
            T value = condition.get();
            if (value != null) {
                return value;
            }
            Thread.sleep(100);
        }
        T last = condition.get();
        if (last == null) {
            throw new AssertionError("timed out after " + PATIENCE.toSeconds() + " s waiting for " + what);
        }
        return last;
    }
}
