package org.veilswarm.itests.osgi;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.util.Hashtable;
import java.util.Set;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.service.cm.ConfigurationAdmin;
import org.veilswarm.api.tracker.InfoHash;
import org.veilswarm.api.tracker.Visibility;
import org.veilswarm.itests.support.Await;
import org.veilswarm.itests.support.NodeContext;
import org.veilswarm.itests.support.NodeIT;
import org.veilswarm.itests.support.Ports;
import org.veilswarm.itests.support.RawHttp;
import org.veilswarm.itests.support.VeilswarmOptions;
import org.veilswarm.tracker.api.TrackerShare;
import org.veilswarm.tracker.api.TrackerShares;
import org.veilswarm.tracker.protocol.PercentEncoding;

/**
 * The tracker follows its transports (dynamic, greedy, multiple reference): with the direct transport bundle
 * stopped it stops listening and frees the port, while staying registered with its shares; when the transport
 * comes back it listens again on the configured port and the same share link works.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class TrackerTransportIT extends NodeIT {
    private static final InfoHash HASH = InfoHash.ofHex("d1ec7000".repeat(5));

    @Configuration
    @Override
    public Option[] config() {
        return VeilswarmOptions.node(getClass(), "core", "transport-direct", "tracker");
    }

    @Test
    public void theTrackerListensOnTheDirectTransportWhileItIsThere() throws Exception {
        int port = Ports.freeLoopbackPort();
        ConfigurationAdmin cm = node.awaitService(ConfigurationAdmin.class, null, NodeContext.TIMEOUT);
        Hashtable<String, Object> config = new Hashtable<>();
        config.put("port", port);
        NodeContext.configuration(cm, "org.veilswarm.tracker").update(config);
        TrackerShares shares = awaitListening(port);
        TrackerShare share = shares.register(Visibility.PUBLIC, Set.of(HASH));
        assertTrue(announce(port, share).startsWith("HTTP/1.1 200 "));

        Bundle direct = node.bundle("org.veilswarm.direct");
        assertNotNull(direct);
        direct.stop();
        Await.until("the tracker to drop its direct listener", NodeContext.TIMEOUT, shares.endpoints()::isEmpty,
                () -> shares.endpoints().toString());
        assertFalse("the tracker still accepts connections without a transport", Ports.accepts("127.0.0.1", port));
        assertTrue("port " + port + " is still held", Ports.bindable("127.0.0.1", port));
        assertSame("the tracker component restarted: a transport going away must not restart it", shares,
                node.awaitService(TrackerShares.class, null, NodeContext.TIMEOUT));

        direct.start();
        awaitListening(port);
        assertSame(shares, node.awaitService(TrackerShares.class, null, NodeContext.TIMEOUT));
        String answer = announce(port, share);
        assertTrue("the share registered before the transport left: " + answer, answer.startsWith("HTTP/1.1 200 "));
        assertEquals(1, shares.endpoints().size());
    }

    private TrackerShares awaitListening(int port) {
        TrackerShares shares = node.awaitService(TrackerShares.class, null, NodeContext.TIMEOUT);
        Await.until("the tracker to listen on 127.0.0.1:" + port, NodeContext.TIMEOUT,
                () -> shares.endpoints().stream().anyMatch(a -> a.port() == port) && Ports.accepts("127.0.0.1", port),
                () -> shares.endpoints() + "\n" + node.describeBundles());
        return shares;
    }

    private static String announce(int port, TrackerShare share) throws IOException {
        String target = share.announcePath() + "?info_hash=" + PercentEncoding.encodeAll(HASH.bytes())
                + "&peer_id=-VS0001-000000000001&port=6881&uploaded=0&downloaded=0&left=0&compact=1";
        return RawHttp.get(port, target).toString();
    }
}
