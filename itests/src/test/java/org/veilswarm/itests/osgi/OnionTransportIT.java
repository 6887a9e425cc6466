package org.veilswarm.itests.osgi;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

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
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;
import org.veilswarm.api.node.NodeIdentity;
import org.veilswarm.api.transport.Anonymity;
import org.veilswarm.api.transport.Transport;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.api.transport.TransportException;
import org.veilswarm.api.transport.TransportInfo;
import org.veilswarm.itests.support.Await;
import org.veilswarm.itests.support.NodeContext;
import org.veilswarm.itests.support.NodeIT;
import org.veilswarm.itests.support.Ports;
import org.veilswarm.itests.support.ResolvedArtifacts;
import org.veilswarm.itests.support.VeilswarmOptions;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;

/**
 * The native onion transport in Felix (feature core + the onion bundle): its DS component is activated with
 * the node's identity, registers {@link Transport} with {@code transport.scheme=onion}, re-binds its ORPort
 * when ConfigurationAdmin changes the port, refuses streams with a reason (no onion services yet), and when
 * its bundle stops, the ORPort is closed and none of its threads is left.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class OnionTransportIT extends NodeIT {
    private static final String PID = "org.veilswarm.transport.onion";
    private static final String BSN = "org.veilswarm.onion";
    private static final String FILTER = "(" + Transport.SCHEME + "=onion)";
    private static final String THREAD_PREFIX = "veilswarm-onion-";

    /**
     * The core feature plus the onion bundle, at the start level a transport feature gives (12). The bundle is
     * in no feature yet: the distribution ships every feature file, and its tests count them.
     */
    @Override
    @Configuration
    public Option[] config() {
        List<Option> options = new ArrayList<>(List.of(VeilswarmOptions.node(getClass(), "core")));
        String version = VeilswarmOptions.features("core").get(0).bundles().stream()
                .filter(b -> b.groupId().equals("org.veilswarm") && b.artifactId().equals("api"))
                .findFirst().orElseThrow().version();
        Path onion = ResolvedArtifacts.load().jar("org.veilswarm", "onion", version);
        options.add(CoreOptions.bundle(onion.toUri().toString()).startLevel(12).start());
        return options.toArray(Option[]::new);
    }

    @Test
    public void onionTransportRelaysOnItsConfiguredOrPortAndStopsCleanly() throws Exception {
        Bundle onion = node.bundle(BSN);
        assertNotNull(BSN + " is not installed\n" + node.describeBundles(), onion);
        assertEquals("the onion bundle is not active: " + node.missingRequirements(onion), Bundle.ACTIVE, onion.getState());

        // 1. The component is satisfied by the node's identity and registers the transport.
        node.awaitService(NodeIdentity.class, null, NodeContext.TIMEOUT);
        Transport transport = node.awaitService(Transport.class, FILTER, NodeContext.TIMEOUT);
        TransportInfo info = transport.info();
        assertEquals("onion", info.scheme());
        assertEquals(Anonymity.MUTUAL, info.anonymity());
        assertTrue("relaying is on by default", info.relaysForOthers());

        // 2. ConfigurationAdmin sets a port: the relay listens there.
        ConfigurationAdmin cm = node.awaitService(ConfigurationAdmin.class, null, NodeContext.TIMEOUT);
        int first = Ports.freeLoopbackPort();
        configure(cm, first);
        awaitOrPort(first);
        Await.until("the ORPort to accept on " + first, NodeContext.TIMEOUT, () -> Ports.accepts("127.0.0.1", first));

        // 3. A new port: the component re-activates, the old port is closed, the new one listens.
        int second = Ports.freeLoopbackPort();
        configure(cm, second);
        ServiceReference<Transport> reference = awaitOrPort(second);
        Await.until("the ORPort to accept on " + second, NodeContext.TIMEOUT, () -> Ports.accepts("127.0.0.1", second));
        Await.until("the old ORPort " + first + " to be released", NodeContext.TIMEOUT,
                () -> Ports.bindable("127.0.0.1", first));
        assertEquals("one onion transport at a time", 1, node.references(Transport.class, FILTER).size());

        // 4. No onion services yet: streams are refused with a reason, never faked.
        Transport current = context.getService(reference);
        NodeIdentity identity = node.awaitService(NodeIdentity.class, null, NodeContext.TIMEOUT);
        assertFalse(current.canReach(TransportAddress.of(identity.address(), 80)));
        try {
            current.connect(TransportAddress.of(identity.address(), 80), new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel channel) {
                }
            }).toCompletableFuture().get(10, TimeUnit.SECONDS);
            fail("connect to an onion address succeeded without onion services");
        } catch (ExecutionException e) {
            assertTrue("not a TransportException: " + e.getCause(), e.getCause() instanceof TransportException);
            assertEquals(TransportException.Reason.UNSUPPORTED_ADDRESS, ((TransportException) e.getCause()).reason());
        }
        context.ungetService(reference);
        assertFalse("the transport threads are running", threadNames().isEmpty());

        // 5. Stop the bundle: no service, the port is free, no thread of the transport is left.
        onion.stop();
        assertTrue("a Transport with scheme onion outlived its bundle", node.references(Transport.class, FILTER).isEmpty());
        assertFalse("the ORPort still accepts after stop", Ports.accepts("127.0.0.1", second));
        assertTrue("port " + second + " is still held after stop", Ports.bindable("127.0.0.1", second));
        Await.until("the onion transport's threads to end", NodeContext.TIMEOUT, () -> threadNames().isEmpty(),
                () -> threadNames().toString());

        // 6. Start it again: ConfigurationAdmin kept the port.
        onion.start();
        awaitOrPort(second);
        Await.until("the ORPort to accept again on " + second, NodeContext.TIMEOUT,
                () -> Ports.accepts("127.0.0.1", second));
    }

    private static void configure(ConfigurationAdmin cm, int port) throws Exception {
        Hashtable<String, Object> config = new Hashtable<>();
        config.put("bindAddress", "127.0.0.1");
        config.put("orPort", port);
        config.put("maxCircuits", 5000);
        NodeContext.configuration(cm, PID).update(config);
    }

    private ServiceReference<Transport> awaitOrPort(int port) {
        return node.awaitReference(Transport.class, "(&" + FILTER + "(orPort=" + port + "))", NodeContext.TIMEOUT);
    }

    private static List<String> threadNames() {
        List<String> names = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && t.getName().startsWith(THREAD_PREFIX)) {
                names.add(t.getName());
            }
        }
        return names;
    }
}
