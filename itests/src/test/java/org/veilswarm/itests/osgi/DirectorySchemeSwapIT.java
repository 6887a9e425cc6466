package org.veilswarm.itests.osgi;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.util.tracker.ServiceTracker;
import org.osgi.util.tracker.ServiceTrackerCustomizer;
import org.veilswarm.api.directory.DirectoryScheme;
import org.veilswarm.api.directory.PathConstraints;
import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.api.directory.RelayFlag;
import org.veilswarm.api.directory.RelayRole;
import org.veilswarm.crypto.Ed25519;
import org.veilswarm.crypto.Ed25519KeyPair;
import org.veilswarm.directory.core.ConsensusDocument;
import org.veilswarm.directory.core.ConsensusEntry;
import org.veilswarm.directory.core.HeaderSignature;
import org.veilswarm.directory.core.MerkleConsensus;
import org.veilswarm.directory.core.RelayDescriptorDocument;
import org.veilswarm.directory.http.DirectoryCacheService;
import org.veilswarm.directory.http.DirectoryServerInitializer;
import org.veilswarm.directory.http.PublishedDirectory;
import org.veilswarm.itests.support.Await;
import org.veilswarm.itests.support.NodeContext;
import org.veilswarm.itests.support.NodeIT;
import org.veilswarm.itests.support.VeilswarmOptions;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;

/**
 * Both directory scheme bundles in Felix with the core feature, configured through ConfigurationAdmin against
 * a directory authority the test serves on 127.0.0.1. A consumer that prefers one scheme (as a path builder
 * configured with {@code directory.scheme} would) follows the services: stopping the preferred scheme's
 * bundle makes it fall back to the other, starting it again brings it back with its kept configuration, and
 * a stopped scheme leaves no thread behind. Relays picked before a swap stay valid values (running circuits
 * are unaffected); new picks come from the scheme in service.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class DirectorySchemeSwapIT extends NodeIT {
    private static final String CONSENSUS_BSN = "org.veilswarm.directory-consensus";
    private static final String MERKLE_BSN = "org.veilswarm.directory-merkle";
    private static final String CONSENSUS_PID = "org.veilswarm.directory.consensus";
    private static final String MERKLE_PID = "org.veilswarm.directory.merkle";

    private EventLoopGroup group;
    private Channel authority;
    private ServiceTracker<DirectoryScheme, DirectoryScheme> tracker;
    private final Map<String, DirectoryScheme> schemes = new ConcurrentHashMap<>();
    private Set<RelayDescriptor.Key> listed;

    /** The core feature plus the directory bundles, at the start level a feature would give them (12). */
    @Override
    @org.ops4j.pax.exam.Configuration
    public Option[] config() {
        return VeilswarmOptions.coreWith(getClass(), "directory-core", "directory-http", "directory-consensus", "directory-merkle");
    }

    @Before
    public void startAuthorityAndConsumer() throws Exception {
        SecureRandom random = new SecureRandom();
        Ed25519KeyPair authorityKey = Ed25519.generateKeyPair(random);
        Instant after = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(60);
        List<ConsensusEntry> entries = new ArrayList<>();
        listed = ConcurrentHashMap.newKeySet();
        for (int i = 0; i < 8; i++) {
            Ed25519KeyPair k = Ed25519.generateKeyPair(random);
            RelayDescriptor d = new RelayDescriptor(k.publicKey(), new byte[32],
                    List.of(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 9100 + i)), 1000 * (i + 1), 0,
                    Set.of(), "0.1.0", EnumSet.allOf(RelayFlag.class), after.minusSeconds(600));
            entries.add(ConsensusEntry.of(RelayDescriptorDocument.sign(d, k), EnumSet.allOf(RelayFlag.class)));
            listed.add(d.identityKey());
        }
        ConsensusDocument list = new ConsensusDocument(after, after.plusSeconds(3600), entries);
        MerkleConsensus trees = MerkleConsensus.of(list);
        DirectoryCacheService served = new DirectoryCacheService();
        served.update(PublishedDirectory.of(list.withSignatures(List.of(list.sign(authorityKey))),
                List.<HeaderSignature>of(trees.header().sign(authorityKey))));
        group = new NioEventLoopGroup(1);
        authority = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new DirectoryServerInitializer(List.of(served)))
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        String entry = Base64.getEncoder().encodeToString(authorityKey.publicKey()) + "@127.0.0.1:"
                + ((InetSocketAddress) authority.localAddress()).getPort();

        ConfigurationAdmin cm = node.awaitService(ConfigurationAdmin.class, null, NodeContext.TIMEOUT);
        for (String pid : List.of(CONSENSUS_PID, MERKLE_PID)) {
            Hashtable<String, Object> config = new Hashtable<>();
            config.put("authorities", new String[] {entry});
            config.put("timeoutMillis", 10_000);
            NodeContext.configuration(cm, pid).update(config);
        }

        tracker = new ServiceTracker<>(context, DirectoryScheme.class,
                new ServiceTrackerCustomizer<DirectoryScheme, DirectoryScheme>() {
                    @Override
                    public DirectoryScheme addingService(ServiceReference<DirectoryScheme> reference) {
                        DirectoryScheme scheme = context.getService(reference);
                        schemes.put((String) reference.getProperty(DirectoryScheme.SCHEME), scheme);
                        return scheme;
                    }

                    @Override
                    public void modifiedService(ServiceReference<DirectoryScheme> reference, DirectoryScheme scheme) {
                    }

                    @Override
                    public void removedService(ServiceReference<DirectoryScheme> reference, DirectoryScheme scheme) {
                        schemes.remove((String) reference.getProperty(DirectoryScheme.SCHEME), scheme);
                        context.ungetService(reference);
                    }
                });
        tracker.open();
    }

    @After
    public void stop() throws Exception {
        if (tracker != null) {
            tracker.close();
        }
        if (authority != null) {
            authority.close().sync();
        }
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    /** The scheme a consumer configured with {@code preferred} uses: that one if present, else any other. */
    private DirectoryScheme active(String preferred) {
        DirectoryScheme scheme = schemes.get(preferred);
        if (scheme != null) {
            return scheme;
        }
        return new TreeMap<>(schemes).values().stream().findFirst().orElse(null);
    }

    /** Picks a three-hop path with the scheme the consumer would use now. */
    private List<RelayDescriptor> path(String preferred, String expectedScheme) throws Exception {
        DirectoryScheme scheme = active(preferred);
        assertNotNull("no directory scheme in service", scheme);
        assertEquals(expectedScheme, scheme.name());
        List<RelayDescriptor> hops = new ArrayList<>();
        PathConstraints constraints = PathConstraints.none();
        for (RelayRole role : List.of(RelayRole.GUARD, RelayRole.MIDDLE, RelayRole.MIDDLE)) {
            RelayDescriptor hop = scheme.sampler().pick(role, constraints).toCompletableFuture().get(30, TimeUnit.SECONDS);
            assertTrue("picked a relay the authority did not list", listed.contains(hop.identityKey()));
            hops.add(hop);
            constraints = constraints.with(hop);
        }
        assertTrue(scheme.status().ready());
        return hops;
    }

    private Set<String> threads(String prefix) {
        Set<String> names = new java.util.TreeSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && t.getName().startsWith(prefix)) {
                names.add(t.getName());
            }
        }
        return names;
    }

    @Test
    public void theSamplerInUseFollowsTheSchemeBundlesAtRuntime() throws Exception {
        Await.until("both schemes in service", NodeContext.TIMEOUT,
                () -> schemes.keySet().equals(Set.of("consensus", "merkle")), () -> schemes.keySet().toString());
        List<RelayDescriptor> merklePath = path("merkle", "merkle");
        path("consensus", "consensus");

        // Stop the merkle bundle: its service goes, the consumer falls back, its threads end.
        Bundle merkle = node.bundle(MERKLE_BSN);
        assertNotNull(MERKLE_BSN + " is not installed", merkle);
        merkle.stop();
        Await.until("the merkle scheme to leave", NodeContext.TIMEOUT, () -> !schemes.containsKey("merkle"),
                () -> schemes.keySet().toString());
        assertEquals(0, node.references(DirectoryScheme.class, "(directory.scheme=merkle)").size());
        List<RelayDescriptor> fallback = path("merkle", "consensus");
        Await.until("the merkle scheme's threads to end", NodeContext.TIMEOUT,
                () -> threads("veilswarm-directory-merkle").isEmpty(), () -> threads("veilswarm-directory-merkle").toString());
        // A path built before the swap is a set of plain values: still complete and usable.
        assertEquals(3, merklePath.size());
        assertEquals(3, fallback.size());

        // Start it again: it comes back with the configuration ConfigurationAdmin kept.
        merkle.start();
        Await.until("the merkle scheme to return", NodeContext.TIMEOUT, () -> schemes.containsKey("merkle"),
                () -> schemes.keySet().toString());
        path("merkle", "merkle");

        // Now stop the consensus bundle: a consumer preferring consensus moves to merkle.
        Bundle consensus = node.bundle(CONSENSUS_BSN);
        consensus.stop();
        Await.until("the consensus scheme to leave", NodeContext.TIMEOUT, () -> !schemes.containsKey("consensus"),
                () -> schemes.keySet().toString());
        path("consensus", "merkle");
        Await.until("the consensus scheme's threads to end", NodeContext.TIMEOUT,
                () -> threads("veilswarm-directory-consensus").isEmpty(),
                () -> threads("veilswarm-directory-consensus").toString());
        consensus.start();
        Await.until("the consensus scheme to return", NodeContext.TIMEOUT, () -> schemes.containsKey("consensus"),
                () -> schemes.keySet().toString());
        path("consensus", "consensus");
    }
}
