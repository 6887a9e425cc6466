package org.veilswarm.directory.authority.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.api.directory.RelayFlag;
import org.veilswarm.api.directory.SignedRelayDescriptor;
import org.veilswarm.crypto.Ed25519;
import org.veilswarm.crypto.Ed25519KeyPair;
import org.veilswarm.crypto.KeyFiles;
import org.veilswarm.directory.core.AuthoritySet;
import org.veilswarm.directory.core.ConsensusVerification;
import org.veilswarm.directory.core.RelayDescriptorDocument;
import org.veilswarm.directory.core.RelayDescriptorParser;
import org.veilswarm.directory.http.DirectoryHttpClient;
import org.veilswarm.directory.http.DirectoryPaths;
import org.veilswarm.directory.http.Quorum;
import org.veilswarm.directory.http.TcpDirectoryConnector;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;

/**
 * Three authority components on 127.0.0.1 with a 3-second voting interval: relays upload, and the
 * authorities publish a consensus for one period after another on their own schedule.
 */
class DirectoryAuthorityComponentTest {

    private static Ed25519KeyPair key(int n) {
        byte[] seed = new byte[32];
        new Random(0xa1000000L + n).nextBytes(seed);
        return Ed25519.keyPairFromSeed(seed);
    }

    @Test
    void threeComponentsPublishPeriodAfterPeriod(@TempDir Path dir) throws Exception {
        List<Ed25519KeyPair> keys = List.of(key(0), key(1), key(2));
        int[] ports = {TestAuthorityConfigs.freePort(), TestAuthorityConfigs.freePort(),
            TestAuthorityConfigs.freePort()};
        String[] authorities = new String[3];
        Set<RelayDescriptor.Key> keySet = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            authorities[i] = Base64.getEncoder().encodeToString(keys.get(i).publicKey()) + "@127.0.0.1:" + ports[i];
            keySet.add(new RelayDescriptor.Key(keys.get(i).publicKey()));
        }
        AuthoritySet set = new AuthoritySet(keySet);
        List<DirectoryAuthorityComponent> components = new ArrayList<>();
        EventLoopGroup group = new NioEventLoopGroup(1);
        List<ServerSocket> relayPorts = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                Path keyFile = dir.resolve("authority-" + i + ".ed25519");
                KeyFiles.writeSecret(keyFile, keys.get(i).seed());
                Map<String, Object> values = TestAuthorityConfigs.quick(keyFile, authorities, ports[i]);
                components.add(new DirectoryAuthorityComponent(null,
                        TestAuthorityConfigs.config(DirectoryAuthorityComponent.Config.class, values)));
            }
            List<DirectoryHttpClient> clients = new ArrayList<>();
            for (int port : ports) {
                clients.add(new DirectoryHttpClient(new TcpDirectoryConnector(group, new InetSocketAddress("127.0.0.1",
                        port)), Duration.ofSeconds(5), 1 << 20, true));
            }
            Instant published = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(30);
            for (int r = 0; r < 3; r++) {
                ServerSocket relay = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
                relayPorts.add(relay);
                Ed25519KeyPair relayKey = key(10 + r);
                RelayDescriptor d = new RelayDescriptor(relayKey.publicKey(), new byte[32],
                        List.of(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), relay.getLocalPort())),
                        100_000, 0, Set.of(), "0.1.0", EnumSet.of(RelayFlag.GUARD), published);
                SignedRelayDescriptor signed = RelayDescriptorDocument.sign(d, relayKey);
                Quorum.post(clients, DirectoryPaths.DESCRIPTOR, signed.document(), 3).get(10, TimeUnit.SECONDS);
            }

            RelayDescriptorParser parser = RelayDescriptorParser.withSystemClock();
            Instant first = awaitConsensus(clients.get(0), set, parser, null);
            Instant second = awaitConsensus(clients.get(1), set, parser, first);
            assertEquals(0, second.getEpochSecond() % 3, "periods start at multiples of the interval");
            assertTrue(second.isAfter(first));
        } finally {
            components.forEach(DirectoryAuthorityComponent::deactivate);
            for (ServerSocket s : relayPorts) {
                s.close();
            }
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    /** Polls until the authority serves a verified consensus of the 3 relays valid after {@code after}. */
    private static Instant awaitConsensus(DirectoryHttpClient client, AuthoritySet set, RelayDescriptorParser parser,
            Instant after) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String last = "nothing served";
        while (System.nanoTime() < deadline) {
            try {
                byte[] list = client.get(DirectoryPaths.CONSENSUS).get(5, TimeUnit.SECONDS).body();
                ConsensusVerification v = set.verifyConsensus(list, parser, Instant.now());
                last = v.detail();
                if (v.accepted() && v.consensus().orElseThrow().entries().size() == 3) {
                    Instant validAfter = v.consensus().orElseThrow().document().validAfter();
                    if (after == null || validAfter.isAfter(after)) {
                        // Usually all three; on a loaded machine one authority may miss the signature exchange.
                        assertTrue(v.validSignatures() >= set.required(), v.detail());
                        return validAfter;
                    }
                }
            } catch (java.util.concurrent.ExecutionException notYet) {
                last = notYet.getCause().getMessage();
            } catch (java.util.concurrent.TimeoutException slow) {
                // a stalled machine: the client's own 5 s timeout and ours race; ask again until the deadline
                last = "no answer within 5 s";
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no new consensus within 60 s: " + last);
    }

    @Test
    void withoutAKeyFileTheNodeIdentityIsUsed() {
        DirectoryAuthorityComponent.Config none = TestAuthorityConfigs.config(DirectoryAuthorityComponent.Config.class,
                Map.of());
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> DirectoryAuthorityComponent.keyFile(null, none));
        assertTrue(e.getMessage().contains("veilswarm.data.dir"), e.getMessage());
        DirectoryAuthorityComponent.Config given = TestAuthorityConfigs.config(DirectoryAuthorityComponent.Config.class,
                Map.of("keyFile", "/srv/authority.key"));
        assertEquals(Path.of("/srv/authority.key"), DirectoryAuthorityComponent.keyFile(null, given));
        org.osgi.framework.BundleContext framework = (org.osgi.framework.BundleContext) java.lang.reflect.Proxy
                .newProxyInstance(getClass().getClassLoader(), new Class<?>[] {org.osgi.framework.BundleContext.class},
                        (proxy, method, args) -> method.getName().equals("getProperty")
                                && "veilswarm.data.dir".equals(args[0]) ? "/var/lib/veilswarm" : null);
        assertEquals(Path.of("/var/lib/veilswarm/keys/identity.ed25519"),
                DirectoryAuthorityComponent.keyFile(framework, none));
    }
}
