package org.veilswarm.itests.osgi;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Predicate;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.service.cm.ConfigurationAdmin;
import org.veilswarm.api.node.NodeIdentity;
import org.veilswarm.api.node.NodeInfo;
import org.veilswarm.api.transport.Anonymity;
import org.veilswarm.api.transport.Listener;
import org.veilswarm.api.transport.Transport;
import org.veilswarm.itests.support.Await;
import org.veilswarm.itests.support.BundleJars;
import org.veilswarm.itests.support.NodeContext;
import org.veilswarm.itests.support.Ports;
import org.veilswarm.itests.support.NodeIT;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;

/**
 * Hot swap of a transport under a live DS consumer (issue requirement b): a component with a dynamic, greedy,
 * optional and multiple reference to {@link Transport} follows the direct transport through a configuration
 * change, an uninstall and a reinstall; ConfigurationAdmin keeps the configuration across the reinstall, and
 * the uninstalled transport leaves no listening port, open stream or thread behind.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class TransportHotSwapIT extends NodeIT {
    private static final String DIRECT_PID = "org.veilswarm.transport.direct";
    private static final String DIRECT_BSN = "org.veilswarm.direct";
    private static final String DIRECT_FILTER = "(" + Transport.SCHEME + "=direct)";
    private static final String THREAD_PREFIX = "veilswarm-direct-";
    private static final String IO_THREAD_PREFIX = THREAD_PREFIX + "io";
    private static final int WORKER_THREADS = 3;
    private static final int CONNECT_TIMEOUT_MILLIS = 1234;
    private static final String ADVERTISED_HOST = "hotswap.itest.invalid";

    /** What the consumer component reported: activate, deactivate, bind, updated, unbind. */
    private record Event(String kind, Map<String, Object> properties) {
        @Override
        public String toString() {
            return kind + " " + properties;
        }
    }

    /** Every event the consumer reported, in order. */
    private final List<Event> events = new CopyOnWriteArrayList<>();
    /** Events before this index happened before the step under test began. */
    private int mark;
    private final List<Socket> sockets = new ArrayList<>();
    private ServiceRegistration<?> recorder;
    private Bundle consumer;

    @Before
    public void installConsumer() throws Exception {
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put("veilswarm.itests.recorder", "transport");
        BiConsumer<String, Map<String, Object>> record = (kind, props) -> events.add(new Event(kind, Map.copyOf(props)));
        recorder = context.registerService(BiConsumer.class, record, properties);
        try (InputStream jar = new ByteArrayInputStream(BundleJars.transportConsumer())) {
            consumer = context.installBundle("itests:transport-consumer", jar);
        }
        consumer.start();
    }

    @After
    public void cleanUp() throws Exception {
        for (Socket s : sockets) {
            s.close();
        }
        if (consumer != null && consumer.getState() != Bundle.UNINSTALLED) {
            consumer.uninstall();
        }
        if (recorder != null) {
            recorder.unregister();
        }
    }

    @Test
    public void consumerFollowsTheDirectTransportThroughReconfigurationUninstallAndReinstall() throws Exception {
        // DS binds every reference before activating (OSGi Compendium 112.5.7): bind comes before activate.
        Event firstBind = awaitEvent("bind", p -> "direct".equals(p.get(Transport.SCHEME)));
        awaitEvent("activate", p -> true);
        assertEquals("the bound service is not the direct transport", "direct", firstBind.properties().get("info.scheme"));
        assertEquals(Anonymity.NONE.name(), firstBind.properties().get("info.anonymity"));

        // 1. A non-default configuration reaches the transport: as DS service properties and in its behaviour.
        ConfigurationAdmin cm = node.awaitService(ConfigurationAdmin.class, null, NodeContext.TIMEOUT);
        Hashtable<String, Object> config = new Hashtable<>();
        config.put("workerThreads", WORKER_THREADS);
        config.put("connectTimeoutMillis", CONNECT_TIMEOUT_MILLIS);
        config.put("advertisedHost", ADVERTISED_HOST);
        mark();
        NodeContext.configuration(cm, DIRECT_PID).update(config);
        awaitEvent("bind", this::carriesTheTestConfiguration);
        ServiceReference<Transport> reference = node.awaitReference(Transport.class,
                "(&" + DIRECT_FILTER + "(connectTimeoutMillis=" + CONNECT_TIMEOUT_MILLIS + "))", NodeContext.TIMEOUT);
        assertEquals(WORKER_THREADS, ((Number) reference.getProperty("workerThreads")).intValue());
        assertEquals("one direct transport at a time", 1, node.references(Transport.class, DIRECT_FILTER).size());

        Transport transport = context.getService(reference);
        NodeIdentity identity = node.awaitService(NodeIdentity.class, null, NodeContext.TIMEOUT);
        Listener listener = transport.listen(identity.serviceKey(), 0, new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel channel) {
                // Accept and hold the stream: the test only counts connections and worker threads.
            }
        }).toCompletableFuture().get(30, TimeUnit.SECONDS);
        int port = listener.address().port();
        assertEquals("the listener does not report the configured advertised host", ADVERTISED_HOST, listener.address().host());
        assertTrue(listener.isOpen());
        // Connections are spread round-robin over the worker event loops: twice as many as workers uses each.
        for (int i = 0; i < 2 * WORKER_THREADS; i++) {
            Socket socket = new Socket();
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            sockets.add(socket);
        }
        Await.until(WORKER_THREADS + " live worker threads (workerThreads=" + WORKER_THREADS + ")", NodeContext.TIMEOUT,
                () -> threadNames(IO_THREAD_PREFIX).size() == WORKER_THREADS, () -> threadNames(THREAD_PREFIX).toString());
        context.ungetService(reference);

        // 2. Uninstall the transport bundle: the consumer is told, nothing is left behind.
        Bundle direct = node.bundle(DIRECT_BSN);
        assertNotNull(DIRECT_BSN + " is not installed", direct);
        String location = direct.getLocation();
        int startLevel = direct.adapt(BundleStartLevel.class).getStartLevel();
        mark();
        direct.uninstall();
        node.refreshBundles();
        awaitEvent("unbind", p -> "direct".equals(p.get(Transport.SCHEME)));
        assertTrue("a Transport service outlived its bundle", node.references(Transport.class, null).isEmpty());
        assertFalse("the listener of the uninstalled transport still accepts connections", Ports.accepts("127.0.0.1", port));
        assertTrue("port " + port + " is still held after the transport was uninstalled", Ports.bindable("127.0.0.1", port));
        for (Socket socket : sockets) {
            assertStreamClosedByPeer(socket);
        }
        Await.until("the direct transport's threads to end", NodeContext.TIMEOUT,
                () -> threadNames(THREAD_PREFIX).isEmpty(), () -> threadNames(THREAD_PREFIX).toString());
        NodeInfo info = node.awaitService(NodeInfo.class, null, NodeContext.TIMEOUT);
        Await.until("the node status to drop the direct transport", NodeContext.TIMEOUT,
                () -> !info.status().transports().contains("direct"), () -> info.status().toString());

        // 3. Reinstall from the same location: the consumer re-binds, with the configuration ConfigAdmin kept.
        mark();
        Bundle reinstalled = context.installBundle(location);
        reinstalled.adapt(BundleStartLevel.class).setStartLevel(startLevel);
        reinstalled.start();
        Event rebound = awaitEvent("bind", p -> "direct".equals(p.get(Transport.SCHEME)));
        assertTrue("after reinstall the transport runs with " + rebound.properties() + ", not the kept configuration",
                carriesTheTestConfiguration(rebound.properties()));
        Dictionary<String, Object> kept = NodeContext.configuration(cm, DIRECT_PID).getProperties();
        assertNotNull("ConfigurationAdmin lost the configuration of " + DIRECT_PID, kept);
        assertEquals(CONNECT_TIMEOUT_MILLIS, ((Number) kept.get("connectTimeoutMillis")).intValue());
        Await.until("the node status to list the direct transport again", NodeContext.TIMEOUT,
                () -> info.status().transports().contains("direct"), () -> info.status().toString());
        assertEquals(1, node.references(Transport.class, DIRECT_FILTER).size());
    }

    private boolean carriesTheTestConfiguration(Map<String, Object> properties) {
        return "direct".equals(properties.get(Transport.SCHEME))
                && properties.get("connectTimeoutMillis") instanceof Number timeout && timeout.intValue() == CONNECT_TIMEOUT_MILLIS
                && properties.get("workerThreads") instanceof Number workers && workers.intValue() == WORKER_THREADS;
    }

    private List<Event> since(int index) {
        List<Event> all = List.copyOf(events);
        return all.subList(Math.min(index, all.size()), all.size());
    }

    /** Starts a new step: later waits only look at events from now on. */
    private void mark() {
        mark = events.size();
    }

    /** Waits for an event of {@code kind} with matching properties, reported since the last {@link #mark()}. */
    private Event awaitEvent(String kind, Predicate<Map<String, Object>> matching) {
        Event[] found = new Event[1];
        Await.until("the consumer to report a matching '" + kind + "'", NodeContext.TIMEOUT, () -> {
            List<Event> recent = since(mark);
            for (Event event : recent) {
                if (event.kind().equals(kind) && matching.test(event.properties())) {
                    found[0] = event;
                    return true;
                }
            }
            return false;
        }, () -> "events since the step began: " + since(mark) + "\n" + node.describeBundles());
        return found[0];
    }

    private static void assertStreamClosedByPeer(Socket socket) throws IOException {
        socket.setSoTimeout((int) Duration.ofSeconds(10).toMillis());
        try {
            int read = socket.getInputStream().read();
            assertEquals("a stream of the uninstalled transport is still open", -1, read);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("a stream of the uninstalled transport is still open (no EOF)", e);
        } catch (IOException reset) {
            // A reset is a close too.
        }
    }

    private static List<String> threadNames(String prefix) {
        List<String> names = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && t.getName().startsWith(prefix)) {
                names.add(t.getName());
            }
        }
        return names;
    }
}
