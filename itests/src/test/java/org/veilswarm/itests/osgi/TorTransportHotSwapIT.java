package org.veilswarm.itests.osgi;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.CoreOptions;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.service.cm.ConfigurationAdmin;
import org.veilswarm.api.node.NodeIdentity;
import org.veilswarm.api.transport.Anonymity;
import org.veilswarm.api.transport.Transport;
import org.veilswarm.api.transport.TransportException;
import org.veilswarm.itests.support.Await;
import org.veilswarm.itests.support.NodeContext;
import org.veilswarm.itests.support.NodeIT;
import org.veilswarm.itests.support.ResolvedArtifacts;
import org.veilswarm.itests.support.VeilswarmOptions;
import org.veilswarm.transport.tor.monitor.TorMonitor;
import org.veilswarm.transport.tor.monitor.TorState;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;

/**
 * Hot swap of the tor transport into a running node (issue 9): installing the bundle launches the owned C tor
 * (a child process of this JVM) and registers {@code transport.scheme=tor}; uninstalling it stops that tor
 * (the process is gone), withdraws the service and leaves none of the transport's threads. The tor runs with
 * {@code DisableNetwork 1} (configured before the install): it never leaves 127.0.0.1 and stays bootstrapping.
 * A configured tor that does not exist shows as FAILED in the {@link TorMonitor}, calls fail with the reason,
 * and the node keeps running.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class TorTransportHotSwapIT extends NodeIT {
    private static final String PID = "org.veilswarm.transport.tor";
    private static final String FILTER = "(" + Transport.SCHEME + "=tor)";
    private static final String THREAD_PREFIX = "veilswarm-tor-";
    private static final String TOR_JAR_PROPERTY = "veilswarm.itests.tor.jar";

    /** The core feature plus the Netty SOCKS bundles the tor transport imports; the tor bundle itself is installed by the test. */
    @Override
    @Configuration
    public Option[] config() {
        List<Option> options = new ArrayList<>(List.of(VeilswarmOptions.node(getClass(), "core")));
        String version = versionInCore("org.veilswarm", "api");
        String netty = versionInCore("io.netty", "netty-handler");
        ResolvedArtifacts artifacts = ResolvedArtifacts.load();
        for (String artifact : List.of("netty-codec-socks", "netty-codec-http", "netty-handler-proxy")) {
            options.add(CoreOptions.bundle(artifacts.jar("io.netty", artifact, netty).toUri().toString()).startLevel(5).start());
        }
        Path tor = artifacts.jar("org.veilswarm", "tor", version);
        options.add(CoreOptions.frameworkProperty(TOR_JAR_PROPERTY).value(tor.toUri().toString()));
        return options.toArray(Option[]::new);
    }

    private static String versionInCore(String groupId, String artifactId) {
        return VeilswarmOptions.features("core").get(0).bundles().stream()
                .filter(b -> b.groupId().equals(groupId) && b.artifactId().equals(artifactId))
                .findFirst().orElseThrow().version();
    }

    @Test
    public void installingStartsTheOwnedTorAndUninstallingStopsItWithNothingLeft() throws Exception {
        assertTrue("tor is not installed: apt-get install -y tor (scripts/test.sh does this)",
                java.nio.file.Files.isExecutable(Path.of("/usr/sbin/tor")) || java.nio.file.Files.isExecutable(Path.of("/usr/bin/tor")));
        assertTrue("a tor child process exists before the install: " + torChildren(), torChildren().isEmpty());

        // Configured before the bundle exists: its first activation already uses it.
        ConfigurationAdmin cm = node.awaitService(ConfigurationAdmin.class, null, NodeContext.TIMEOUT);
        Hashtable<String, Object> config = new Hashtable<>();
        config.put("mode", "owned");
        config.put("extraTorrcLines", new String[] {"DisableNetwork 1"});
        NodeContext.configuration(cm, PID).update(config);

        // 1. Install and start: the service appears and an owned tor runs as our child.
        Bundle bundle = context.installBundle(context.getProperty(TOR_JAR_PROPERTY));
        bundle.adapt(BundleStartLevel.class).setStartLevel(12);
        bundle.start();
        assertEquals("the tor bundle is not active: " + node.missingRequirements(bundle), Bundle.ACTIVE, bundle.getState());
        Transport transport = node.awaitService(Transport.class, FILTER, NodeContext.TIMEOUT);
        assertEquals("tor", transport.info().scheme());
        assertEquals(Anonymity.MUTUAL, transport.info().anonymity());
        Await.until("an owned tor child process", NodeContext.TIMEOUT, () -> !torChildren().isEmpty(), this::describeChildren);
        ProcessHandle tor = torChildren().get(0);
        Path torrc = node.dataDirectory().resolve("tor").resolve("torrc");
        Await.until(torrc + " to be written", NodeContext.TIMEOUT, () -> java.nio.file.Files.isRegularFile(torrc));
        assertTrue("torrc lacks the configured line", java.nio.file.Files.readString(torrc).contains("DisableNetwork 1"));
        assertTrue("the transport's threads are not running", !threadNames().isEmpty());

        // 2. Uninstall: service gone, tor process gone, threads gone.
        bundle.uninstall();
        // Uninstalling stops the bundle, which deactivates the component. No refresh here: the test probe imports
        // dynamically (DynamicImport-Package: *) and is wired to the tor bundle's exports (it is in the bundle's
        // FrameworkWiring dependency closure), so a refresh would restart the probe under the running test.
        assertTrue("a Transport with scheme tor outlived its bundle", node.references(Transport.class, FILTER).isEmpty());
        Await.until("the owned tor (pid " + tor.pid() + ") to exit", NodeContext.TIMEOUT, () -> !tor.isAlive(), this::describeChildren);
        assertTrue("tor child processes left: " + describeChildren(), torChildren().isEmpty());
        Await.until("the tor transport's threads to end", NodeContext.TIMEOUT, () -> threadNames().isEmpty(),
                () -> threadNames().toString());
    }

    @Test
    public void aMissingTorIsReportedByTheMonitorWhileTheNodeRuns() throws Exception {
        ConfigurationAdmin cm = node.awaitService(ConfigurationAdmin.class, null, NodeContext.TIMEOUT);
        Hashtable<String, Object> config = new Hashtable<>();
        config.put("mode", "owned");
        config.put("torExecutable", "/nonexistent/veilswarm-itest/tor");
        config.put("extraTorrcLines", new String[] {"DisableNetwork 1"});
        NodeContext.configuration(cm, PID).update(config);
        Bundle bundle = context.installBundle(context.getProperty(TOR_JAR_PROPERTY));
        try {
            bundle.adapt(BundleStartLevel.class).setStartLevel(12);
            bundle.start();
            MonitorChecks.awaitFailureNaming(node, "/nonexistent/veilswarm-itest/tor");
            Transport transport = node.awaitService(Transport.class, FILTER, NodeContext.TIMEOUT);
            NodeIdentity identity = node.awaitService(NodeIdentity.class, null, NodeContext.TIMEOUT);
            try {
                transport.listen(identity.serviceKey(), 80, new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                    }
                }).toCompletableFuture().get(30, TimeUnit.SECONDS);
                throw new AssertionError("listen succeeded without tor");
            } catch (ExecutionException e) {
                assertTrue("not a TransportException: " + e.getCause(), e.getCause() instanceof TransportException);
                assertTrue(e.getCause().getMessage(), e.getCause().getMessage().contains("tor transport unavailable"));
            }
            assertEquals("the node's identity bundle stopped", Bundle.ACTIVE, node.bundle("org.veilswarm.node").getState());
            assertTrue("a tor child process runs although tor is missing", torChildren().isEmpty());
        } finally {
            bundle.uninstall();
            NodeContext.configuration(cm, PID).delete();
        }
        Await.until("the tor transport's threads to end", NodeContext.TIMEOUT, () -> threadNames().isEmpty(),
                () -> threadNames().toString());
    }

    /**
     * Uses the tor bundle's monitor types: a class of its own, loaded only once the bundle is installed (the
     * probe imports them dynamically; the test class itself must load before that).
     */
    private static final class MonitorChecks {
        static void awaitFailureNaming(NodeContext node, String text) {
            TorMonitor monitor = node.awaitService(TorMonitor.class, null, NodeContext.TIMEOUT);
            Await.until("the monitor to report the failure", NodeContext.TIMEOUT,
                    () -> monitor.state().phase() == TorState.Phase.FAILED, () -> monitor.state().toString());
            assertTrue(monitor.state().detail(), monitor.state().detail().contains(text));
            assertTrue("no ERR line in the monitor's log: " + monitor.log(),
                    monitor.log().stream().anyMatch(l -> l.severity().equals("ERR")));
        }
    }

    private static List<ProcessHandle> torChildren() {
        return ProcessHandle.current().children().filter(ProcessHandle::isAlive)
                .filter(p -> p.info().command().map(c -> c.endsWith("/tor")).orElse(false)).toList();
    }

    private String describeChildren() {
        return ProcessHandle.current().children().map(p -> p.pid() + " " + p.info().command().orElse("?")
                + " alive=" + p.isAlive()).toList().toString();
    }

    private static List<String> threadNames() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith(THREAD_PREFIX)).toList();
    }
}
