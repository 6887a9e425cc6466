package org.veilswarm.directory.authority.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.api.directory.RelayFlag;
import org.veilswarm.api.directory.SignedRelayDescriptor;
import org.veilswarm.crypto.Ed25519;
import org.veilswarm.crypto.Ed25519KeyPair;
import org.veilswarm.crypto.KeyFiles;
import org.veilswarm.directory.authority.TcpConnectProbe;
import org.veilswarm.directory.core.AuthoritySet;
import org.veilswarm.directory.core.ConsensusEntry;
import org.veilswarm.directory.core.ConsensusVerification;
import org.veilswarm.directory.core.RelayDescriptorDocument;
import org.veilswarm.directory.core.RelayDescriptorParser;
import org.veilswarm.directory.http.DirectoryHttpClient;
import org.veilswarm.directory.http.DirectoryPaths;
import org.veilswarm.directory.http.TcpDirectoryConnector;
import org.veilswarm.transport.onion.internal.LinkHandshakeProbe;
import org.veilswarm.transport.onion.link.LinkSettings;
import org.veilswarm.transport.onion.link.Links;
import org.veilswarm.transport.onion.link.RelayLinkKeys;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;

/**
 * The authority component checks reachability with the onion transport's link-handshake probe once one is
 * bound: of two relays uploading over HTTP, the one whose listener proves the descriptor's identity is listed
 * Running; the one whose address answers with another identity is left out. Without a bound probe and with the
 * TCP fallback off, no relay is reachable, with the reason; with the fallback on, a TCP connect decides.
 */
class ReachabilityByHandshakeTest {
    private final EventLoopGroup group = new NioEventLoopGroup(2);

    @AfterEach
    void stop() throws Exception {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    private static Ed25519KeyPair key(int n) {
        byte[] seed = new byte[32];
        new Random(0xa2000000L + n).nextBytes(seed);
        return Ed25519.keyPairFromSeed(seed);
    }

    /** A link responder holding {@code identity}, as a relay's ORPort. */
    private int listenAs(Ed25519KeyPair identity) throws Exception {
        RelayLinkKeys keys = RelayLinkKeys.generate(identity);
        return ((InetSocketAddress) new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(Links.responder(keys, Links.responderTls(keys), LinkSettings.defaults(), link -> { }))
                .bind("127.0.0.1", 0).sync().channel().localAddress()).getPort();
    }

    private static SignedRelayDescriptor descriptor(Ed25519KeyPair key, int port) throws Exception {
        Instant published = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(30);
        return RelayDescriptorDocument.sign(new RelayDescriptor(key.publicKey(), new byte[32],
                List.of(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port)), 100_000, 0, Set.of(),
                "0.1.0", EnumSet.of(RelayFlag.GUARD), published), key);
    }

    @Test
    void aBoundHandshakeProbeListsTheRealRelayAndNotTheImpostor(@TempDir Path dir) throws Exception {
        Ed25519KeyPair authorityKey = key(0);
        int port = TestAuthorityConfigs.freePort();
        Path keyFile = dir.resolve("authority.ed25519");
        KeyFiles.writeSecret(keyFile, authorityKey.seed());
        Map<String, Object> values = TestAuthorityConfigs.quick(keyFile, new String[] {
            Base64.getEncoder().encodeToString(authorityKey.publicKey()) + "@127.0.0.1:" + port}, port);
        values.put("tcpReachabilityFallback", false);
        DirectoryAuthorityComponent component = new DirectoryAuthorityComponent(null,
                TestAuthorityConfigs.config(DirectoryAuthorityComponent.Config.class, values));
        try {
            assertFalse(component.checksByHandshake());
            component.bindHandshakeProbe(new LinkHandshakeProbe(group, Duration.ofSeconds(10)));
            assertTrue(component.checksByHandshake());

            Ed25519KeyPair honest = key(1);
            SignedRelayDescriptor real = descriptor(honest, listenAs(honest));
            // The descriptor names identity 2; whoever listens at its address holds identity 3.
            SignedRelayDescriptor impostor = descriptor(key(2), listenAs(key(3)));
            DirectoryHttpClient client = new DirectoryHttpClient(new TcpDirectoryConnector(group,
                    new InetSocketAddress("127.0.0.1", port)), Duration.ofSeconds(5), 1 << 20, true);
            // The impostor first: every list holding the real relay was voted after both were known.
            client.post(DirectoryPaths.DESCRIPTOR, impostor.document()).get(10, TimeUnit.SECONDS);
            client.post(DirectoryPaths.DESCRIPTOR, real.document()).get(10, TimeUnit.SECONDS);

            AuthoritySet set = new AuthoritySet(Set.of(new RelayDescriptor.Key(authorityKey.publicKey())));
            List<ConsensusEntry> listed = awaitListing(client, set, real.descriptor().identityKey());
            assertEquals(1, listed.size(), "only the relay proving its identity is listed: " + listed);
            assertTrue(listed.get(0).flags().contains(RelayFlag.RUNNING), listed.get(0).flags().toString());
        } finally {
            component.deactivate();
        }
    }

    /** Polls until the authority serves a verified list holding {@code relay}; returns its entries. */
    private static List<ConsensusEntry> awaitListing(DirectoryHttpClient client, AuthoritySet set,
            RelayDescriptor.Key relay) throws Exception {
        RelayDescriptorParser parser = RelayDescriptorParser.withSystemClock();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String last = "nothing served";
        while (System.nanoTime() < deadline) {
            try {
                byte[] list = client.get(DirectoryPaths.CONSENSUS).get(5, TimeUnit.SECONDS).body();
                ConsensusVerification v = set.verifyConsensus(list, parser, Instant.now());
                last = v.detail();
                if (v.accepted()) {
                    List<ConsensusEntry> entries = v.consensus().orElseThrow().entries();
                    last = entries.size() + " relays listed";
                    if (entries.stream().anyMatch(e -> e.identity().equals(relay))) {
                        return entries;
                    }
                }
            } catch (ExecutionException notYet) {
                last = notYet.getCause().getMessage();
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the real relay was not listed within 30 s: " + last);
    }

    @Test
    void withoutAHandshakeProbeTheFallbackDecides() throws Exception {
        Ed25519KeyPair honest = key(1);
        RelayDescriptor real = descriptor(honest, listenAs(honest)).descriptor();
        RelayDescriptor impostor = descriptor(key(2), listenAs(key(3))).descriptor();

        HandshakeOrTcpProbe strict = new HandshakeOrTcpProbe(null);
        ExecutionException refused = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> strict.probe(real).toCompletableFuture().get(10, TimeUnit.SECONDS));
        assertEquals(HandshakeOrTcpProbe.NO_PROBE, refused.getCause().getMessage());

        HandshakeOrTcpProbe lenient = new HandshakeOrTcpProbe(new TcpConnectProbe(group, Duration.ofSeconds(5)));
        lenient.probe(impostor).toCompletableFuture().get(10, TimeUnit.SECONDS); // TCP cannot tell

        LinkHandshakeProbe handshake = new LinkHandshakeProbe(group, Duration.ofSeconds(10));
        lenient.bind(handshake);
        lenient.probe(real).toCompletableFuture().get(10, TimeUnit.SECONDS);
        org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> lenient.probe(impostor).toCompletableFuture().get(10, TimeUnit.SECONDS),
                "the handshake catches the impostor");

        lenient.unbind(handshake);
        assertFalse(lenient.handshakeBound());
        lenient.probe(impostor).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
