package org.veilswarm.directory.authority;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.api.directory.RelayFlag;
import org.veilswarm.api.directory.SignedRelayDescriptor;
import org.veilswarm.crypto.Ed25519KeyPair;
import org.veilswarm.directory.core.AuthoritySet;
import org.veilswarm.directory.core.ConsensusEntry;
import org.veilswarm.directory.core.RelayDescriptorParser;
import org.veilswarm.transport.onion.internal.LinkHandshakeProbe;
import org.veilswarm.transport.onion.link.Link;
import org.veilswarm.transport.onion.link.LinkListener;
import org.veilswarm.transport.onion.link.LinkSettings;
import org.veilswarm.transport.onion.link.Links;
import org.veilswarm.transport.onion.link.RelayLinkKeys;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;

/**
 * The onion transport's link handshake probe (tor-spec §4, {@link LinkHandshakeProbe}) as the authority's
 * {@link ReachabilityProbe}: a relay
 * listening with its own identity is RUNNING; an impostor at the address a descriptor names (a listener
 * with another identity) is not listed, although a plain TCP probe would have listed it.
 */
class LinkHandshakeProbeTest {
    private final EventLoopGroup group = new NioEventLoopGroup(2);

    @AfterEach
    void stop() throws Exception {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    /** The onion transport's probe, as its DS component registers it for authorities. */
    private ReachabilityProbe linkProbe() {
        LinkHandshakeProbe probe = new LinkHandshakeProbe(group, Duration.ofSeconds(10));
        return probe::probe;
    }

    private InetSocketAddress listenAs(Ed25519KeyPair identity) throws Exception {
        RelayLinkKeys keys = RelayLinkKeys.generate(identity);
        Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(Links.responder(keys, Links.responderTls(keys), LinkSettings.defaults(),
                        new LinkListener() {
                            @Override
                            public void established(Link link) {
                            }
                        }))
                .bind("127.0.0.1", 0).sync().channel();
        return (InetSocketAddress) server.localAddress();
    }

    @Test
    void onlyARelayProvingItsIdentityIsListed() throws Exception {
        Ed25519KeyPair honestKey = Relays.key(1);
        Ed25519KeyPair claimedKey = Relays.key(2);
        Instant published = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(60);
        SignedRelayDescriptor honest = Relays.relay(honestKey, listenAs(honestKey).getPort(), 1_000_000,
                EnumSet.of(RelayFlag.GUARD), "0.1.0", published);
        // The descriptor claims identity 2, but the listener at its address holds identity 3.
        SignedRelayDescriptor impostor = Relays.relay(claimedKey, listenAs(Relays.key(3)).getPort(), 1_000_000,
                EnumSet.of(RelayFlag.GUARD), "0.1.0", published);

        Ed25519KeyPair authorityKey = Relays.key(100);
        AuthoritySet set = new AuthoritySet(Set.of(new RelayDescriptor.Key(authorityKey.publicKey())));
        FlagPolicy quick = new FlagPolicy(Duration.ZERO, Duration.ZERO, Duration.ZERO, 1, 1, 1L << 30, Set.of(),
                Duration.ofHours(1));
        for (boolean link : List.of(true, false)) {
            ReachabilityProbe probe = link ? linkProbe() : new TcpConnectProbe(group, Duration.ofSeconds(5));
            DirectoryAuthority authority = new DirectoryAuthority(authorityKey, set, quick,
                    RelayDescriptorParser.withSystemClock(), probe, Clock.systemUTC());
            authority.accept(honest.document());
            authority.accept(impostor.document());
            authority.checkReachability().toCompletableFuture().get(30, TimeUnit.SECONDS);
            Instant after = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            List<ConsensusEntry> voted = authority.vote(after, after.plusSeconds(60)).document().entries();
            if (link) {
                assertEquals(1, voted.size(), "the link handshake lists the honest relay only");
                assertTrue(voted.get(0).signed().descriptor().sameRelay(honest.descriptor()));
            } else {
                assertEquals(2, voted.size(), "a TCP connect cannot tell the impostor apart");
            }
        }
    }
}
