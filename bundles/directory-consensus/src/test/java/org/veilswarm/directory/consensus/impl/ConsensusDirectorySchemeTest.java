package org.veilswarm.directory.consensus.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.veilswarm.api.directory.DirectoryStatus;
import org.veilswarm.api.directory.PathConstraints;
import org.veilswarm.api.directory.RelayRole;
import org.veilswarm.directory.consensus.TestDirectoryNetworkAccess;
import org.veilswarm.directory.core.ConsensusDocument;
import org.veilswarm.directory.core.RelayDescriptorParser;
import org.veilswarm.directory.http.DirectoryCacheService;
import org.veilswarm.directory.http.DirectoryHttpClient;
import org.veilswarm.directory.http.DirectoryPaths;
import org.veilswarm.directory.http.TcpDirectoryConnector;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.socket.nio.NioServerSocketChannel;

/**
 * The DS component with its typed configuration, against one serving authority of three on 127.0.0.1 (the
 * other two are down): status before and after, picks, a publish the authorities refuse, and the cache role.
 */
class ConsensusDirectorySchemeTest {
    private TestDirectoryNetworkAccess net;
    private ConsensusDirectoryScheme scheme;

    @BeforeEach
    void setUp() {
        net = new TestDirectoryNetworkAccess();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (scheme != null) {
            scheme.deactivate();
        }
        net.close();
    }

    @Test
    void picksPublishesAndServesWithTheConfiguredAuthorities() throws Exception {
        ConsensusDocument d = net.document(1000, 2000, 3000, 4000, 5000);
        DirectoryCacheService authority = new DirectoryCacheService();
        authority.update(net.published(d));
        InetSocketAddress up = net.serve(authority);
        String[] authorities = {net.authorityEntry(0, up), net.authorityEntry(1, net.closedPort()),
            net.authorityEntry(2, net.closedPort())};
        scheme = new ConsensusDirectoryScheme(net.config(ConsensusDirectoryScheme.Config.class,
                Map.of("authorities", authorities, "serveDirectory", true, "timeoutMillis", 5000)));

        assertEquals("consensus", scheme.name());
        DirectoryStatus before = scheme.status();
        assertFalse(before.ready());
        scheme.sampler().pick(RelayRole.GUARD, PathConstraints.none()).toCompletableFuture().get(20, TimeUnit.SECONDS);
        DirectoryStatus after = scheme.status();
        assertTrue(after.ready(), after.detail());
        assertEquals(5, after.relays());
        assertEquals(d.validUntil(), after.validUntil().orElseThrow());
        // The relay list for the HSDir ring: every entry the authorities flagged HSDIR, in identity order.
        java.util.List<org.veilswarm.api.directory.RelayDescriptor> hsDirs = scheme.relaysWith(
                org.veilswarm.api.directory.RelayFlag.HSDIR).toCompletableFuture().get(20, TimeUnit.SECONDS);
        assertEquals(5, hsDirs.size());
        for (int i = 1; i < hsDirs.size(); i++) {
            assertTrue(java.util.Arrays.compareUnsigned(hsDirs.get(i - 1).identity(), hsDirs.get(i).identity()) < 0);
        }
        assertTrue(hsDirs.stream().allMatch(r -> r.flags().contains(org.veilswarm.api.directory.RelayFlag.HSDIR)));

        // The cache role: the scheme's directory stream serves the verified list it mirrored.
        Channel served = new ServerBootstrap().group(net.group()).channel(NioServerSocketChannel.class)
                .childHandler(scheme.directoryService().orElseThrow())
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        try {
            DirectoryHttpClient client = new DirectoryHttpClient(new TcpDirectoryConnector(net.group(),
                    (InetSocketAddress) served.localAddress()), Duration.ofSeconds(5), 1 << 22, true);
            byte[] list = null;
            for (int i = 0; i < 100 && list == null; i++) {
                try {
                    list = client.get(DirectoryPaths.CONSENSUS).get(5, TimeUnit.SECONDS).body();
                } catch (ExecutionException e) {
                    Thread.sleep(100); // 503 until the mirror's first refresh completed
                }
            }
            assertTrue(net.authorities().verifyConsensus(list, RelayDescriptorParser.withSystemClock(), Instant.now())
                    .accepted());
        } finally {
            served.close().sync();
        }

        // Only one of three authorities is up and it does not take uploads: the publish fails with reasons.
        ExecutionException e = assertThrows(ExecutionException.class, () -> scheme.publish(
                net.relayDescriptor(0)).toCompletableFuture().get(20, TimeUnit.SECONDS));
        assertTrue(e.getCause().getMessage().contains("need 2"), e.getCause().getMessage());
    }

    @Test
    void badConfigurationIsRefusedWithTheEntry() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ConsensusDirectoryScheme(
                net.config(ConsensusDirectoryScheme.Config.class, Map.of("authorities", new String[] {"nokey:9030"}))));
        assertTrue(e.getMessage().contains("nokey:9030"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ConsensusDirectoryScheme(net.config(
                ConsensusDirectoryScheme.Config.class, Map.of("authorities", new String[0]))));
    }

}
