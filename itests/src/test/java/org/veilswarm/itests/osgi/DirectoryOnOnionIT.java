package org.veilswarm.itests.osgi;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;
import org.veilswarm.api.directory.DirectoryScheme;
import org.veilswarm.api.directory.DirectoryStreams;
import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.api.directory.RelayFlag;
import org.veilswarm.api.directory.RelayList;
import org.veilswarm.api.directory.RelayReachabilityProbe;
import org.veilswarm.api.node.NodeIdentity;
import org.veilswarm.itests.support.Await;
import org.veilswarm.itests.support.NodeContext;
import org.veilswarm.itests.support.NodeIT;
import org.veilswarm.itests.support.Ports;
import org.veilswarm.itests.support.VeilswarmOptions;

/**
 * The directory on the onion transport in one Felix (issue #4): the authority component binds the onion
 * bundle's link-handshake probe ({@code reachability.method=link-handshake}) and, with the TCP fallback off,
 * lists the node's own relay Running only because the relay proved its identity in a real TLS link handshake;
 * the relay published its descriptor through the bound {@code consensus} scheme; the scheme's relay list (the
 * HSDir ring's source) holds it. The scheme binds the onion bundle's directory streams ({@code
 * directory.streams.method=begin-dir}) and, after bootstrapping from the authority, downloads the next list from
 * the relay cache the list names (the node's own relay, which mirrors and serves it) over BEGIN_DIR.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class DirectoryOnOnionIT extends NodeIT {

    @Override
    @Configuration
    public Option[] config() {
        return VeilswarmOptions.coreWith(getClass(), "onion", "directory-core", "directory-http", "directory-authority", "directory-consensus");
    }

    @Test
    public void theAuthorityListsTheNodesRelayAfterALinkHandshakeProvedItsIdentity() throws Exception {
        NodeIdentity identity = node.awaitService(NodeIdentity.class, null, NodeContext.TIMEOUT);
        int port = Ports.freeLoopbackPort();
        String[] authorities = {Base64.getEncoder().encodeToString(identity.publicKey()) + "@127.0.0.1:" + port};
        ConfigurationAdmin cm = node.awaitService(ConfigurationAdmin.class, null, NodeContext.TIMEOUT);

        Hashtable<String, Object> onion = new Hashtable<>();
        onion.put("bindAddress", "127.0.0.1");
        onion.put("orPort", Ports.freeLoopbackPort());
        onion.put("descriptorRepublishSeconds", 10L);
        NodeContext.configuration(cm, "org.veilswarm.transport.onion").update(onion);

        Hashtable<String, Object> authority = new Hashtable<>();
        authority.put("authorities", authorities);
        authority.put("port", port);
        authority.put("votingIntervalSeconds", 3);
        authority.put("validitySeconds", 6);
        authority.put("phaseMillis", 1000);
        authority.put("stableUptimeSeconds", 0L);
        authority.put("guardMinKnownSeconds", 0L);
        authority.put("hsdirMinUptimeSeconds", 0L);
        authority.put("fastGuarantee", 1L);
        authority.put("guardGuarantee", 1L);
        authority.put("tcpReachabilityFallback", false);
        NodeContext.configuration(cm, "org.veilswarm.directory.authority").update(authority);

        Hashtable<String, Object> scheme = new Hashtable<>();
        scheme.put("authorities", authorities);
        scheme.put("timeoutMillis", 10_000);
        // The node's relay is also a directory cache: its scheme mirrors the list and serves it on BEGIN_DIR.
        scheme.put("serveDirectory", true);
        scheme.put("mirrorRefreshSeconds", 1);
        NodeContext.configuration(cm, "org.veilswarm.directory.consensus").update(scheme);
        DirectoryScheme consensus = node.awaitService(DirectoryScheme.class, "(directory.scheme=consensus)",
                NodeContext.TIMEOUT);
        RelayList list = node.awaitService(RelayList.class, "(directory.scheme=consensus)", NodeContext.TIMEOUT);

        // The authority uses the onion bundle's probe: the only way anything gets listed with the fallback off.
        ServiceReference<RelayReachabilityProbe> probe = node.awaitReference(RelayReachabilityProbe.class,
                "(reachability.method=link-handshake)", NodeContext.TIMEOUT);
        Bundle authorityBundle = node.bundle("org.veilswarm.directory-authority");
        Await.until("the authority to bind the link-handshake probe", NodeContext.TIMEOUT,
                () -> probe.getUsingBundles() != null && Arrays.asList(probe.getUsingBundles()).contains(authorityBundle),
                () -> "probe used by " + Arrays.toString(probe.getUsingBundles()));

        List<RelayDescriptor> running = new ArrayList<>();
        Await.until("the node's relay to be listed Running", Duration.ofSeconds(90), () -> {
            try {
                running.clear();
                running.addAll(list.relaysWith(RelayFlag.RUNNING).toCompletableFuture().get(10, TimeUnit.SECONDS));
                return running.size() == 1;
            } catch (Exception notYet) {
                return false;
            }
        }, () -> "listed: " + running + "; scheme status " + consensus.status());
        RelayDescriptor relay = running.get(0);
        assertFalse("the relay identity is derived from the node key, never equal to it",
                Arrays.equals(identity.publicKey(), relay.identity()));
        assertEquals("127.0.0.1", relay.orAddresses().get(0).getAddress().getHostAddress());
        assertTrue(relay.flags().toString(), relay.flags().contains(RelayFlag.HSDIR));
        assertEquals(1, list.relaysWith(RelayFlag.HSDIR).toCompletableFuture().get(10, TimeUnit.SECONDS).size());

        // The client side of caches: the scheme binds the onion bundle's directory streams, and once the list it
        // bootstrapped from the authority expires (6 s), the next one comes from the relay cache the list names
        // (the node's own relay) over a one-hop circuit and BEGIN_DIR.
        ServiceReference<DirectoryStreams> streams = node.awaitReference(DirectoryStreams.class,
                "(directory.streams.method=begin-dir)", NodeContext.TIMEOUT);
        Bundle consensusBundle = node.bundle("org.veilswarm.directory-consensus");
        Await.until("the consensus scheme to bind the onion bundle's directory streams", NodeContext.TIMEOUT,
                () -> streams.getUsingBundles() != null
                        && Arrays.asList(streams.getUsingBundles()).contains(consensusBundle),
                () -> "streams used by " + Arrays.toString(streams.getUsingBundles()));
        Await.until("a list downloaded from the relay cache over BEGIN_DIR", Duration.ofSeconds(90), () -> {
            try {
                list.relaysWith(RelayFlag.RUNNING).toCompletableFuture().get(20, TimeUnit.SECONDS);
            } catch (Exception notYet) {
                // an authority or cache between periods: asked again
            }
            return !consensus.status().detail().contains("from relay caches: 0 ");
        }, () -> "scheme status " + consensus.status());
        assertTrue(consensus.status().detail(), consensus.status().detail().contains("directory streams bound"));
    }
}
