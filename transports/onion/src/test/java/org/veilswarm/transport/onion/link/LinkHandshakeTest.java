package org.veilswarm.transport.onion.link;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.veilswarm.crypto.Ed25519;
import org.veilswarm.crypto.Randoms;
import org.veilswarm.transport.onion.cell.Cell;
import org.veilswarm.transport.onion.cell.Destroy;
import org.veilswarm.transport.onion.cell.DestroyReason;
import org.veilswarm.transport.onion.link.LinkHandshakeException.Reason;
import org.veilswarm.transport.onion.link.LoopbackLinks.Recorder;
import org.veilswarm.transport.onion.testing.LeakCheck;

/** The link handshake over real TCP and TLS on 127.0.0.1. */
@ExtendWith(LeakCheck.class)
class LinkHandshakeTest {
    private static final LinkSettings SETTINGS = LinkSettings.defaults();
    private LoopbackLinks loopback;

    @AfterEach
    void close() {
        if (loopback != null) {
            loopback.close();
        }
    }

    private static RelayLinkKeys relay() {
        return RelayLinkKeys.generate(Ed25519.generateKeyPair());
    }

    private static Link await(Future<Link> future) throws Exception {
        assertTrue(future.await(10, TimeUnit.SECONDS), "handshake did not finish within 10 s");
        if (!future.isSuccess()) {
            throw new AssertionError("handshake failed", future.cause());
        }
        return future.getNow();
    }

    private static LinkHandshakeException failureOf(Future<Link> future) throws InterruptedException {
        assertTrue(future.await(10, TimeUnit.SECONDS), "handshake did not finish within 10 s");
        assertFalse(future.isSuccess(), "handshake should have failed");
        return assertInstanceOf(LinkHandshakeException.class, future.cause());
    }

    @Test
    void relaysAuthenticateEachOtherAndExchangeCells() throws Exception {
        loopback = new LoopbackLinks(relay(), SETTINGS);
        RelayLinkKeys initiatorKeys = relay();
        Recorder initiator = new Recorder();

        Link out = await(loopback.connect(loopback.responderKeys.identityKey(), initiatorKeys, SETTINGS, initiator));
        Link in = loopback.responder.nextLink();

        assertEquals(5, out.linkProtocol());
        assertEquals(5, in.linkProtocol());
        assertArrayEquals(loopback.responderKeys.identityKey(), out.peerIdentity().orElseThrow());
        assertArrayEquals(initiatorKeys.identityKey(), in.peerIdentity().orElseThrow(),
                "the responder learns the initiator's identity from AUTHENTICATE");
        assertEquals(List.of(Links.TLS, Links.CELL_DECODER, Links.CELL_ENCODER, "test-cells"),
                out.channel().pipeline().names().subList(0, 4), "only TLS and the codecs stay after the handshake");
        assertEquals(InetAddress.getByName("127.0.0.1"), out.peerNetinfo().otherAddress().orElseThrow());
        assertEquals(List.of(InetAddress.getByName("127.0.0.1")), out.peerNetinfo().myAddresses());

        out.channel().writeAndFlush(new Destroy(0x80000001, DestroyReason.FINISHED)).sync();
        Cell received = loopback.responder.cells.poll(10, TimeUnit.SECONDS);
        assertEquals(new Destroy(0x80000001, DestroyReason.FINISHED), received);
        in.channel().writeAndFlush(new Destroy(7, DestroyReason.PROTOCOL)).sync();
        assertEquals(new Destroy(7, DestroyReason.PROTOCOL), initiator.cells.poll(10, TimeUnit.SECONDS));
    }

    @Test
    void clientWithoutKeysGetsAnUnauthenticatedLinkOnVersion4() throws Exception {
        loopback = new LoopbackLinks(relay(), SETTINGS);
        Link out = await(loopback.connect(loopback.responderKeys.identityKey(), null,
                SETTINGS.withVersions(List.of(4)), new Recorder()));
        Link in = loopback.responder.nextLink();

        assertEquals(4, out.linkProtocol());
        assertEquals(4, in.linkProtocol());
        assertArrayEquals(loopback.responderKeys.identityKey(), out.peerIdentity().orElseThrow());
        assertTrue(in.peerIdentity().isEmpty(), "a client proves no identity");
        assertEquals(0, in.peerNetinfo().time(), "clients send 0 as their NETINFO time (tor-spec §4.5)");
    }

    @Test
    void relayThatIsNotTheOneWantedIsRefused() throws Exception {
        loopback = new LoopbackLinks(relay(), SETTINGS);
        byte[] wanted = Ed25519.generateKeyPair().publicKey();
        LinkHandshakeException failure = failureOf(loopback.connect(wanted, null, SETTINGS, new Recorder()));
        assertEquals(Reason.WRONG_IDENTITY, failure.reason(), failure.getMessage());
        assertTrue(failure.getMessage().contains("peer proved identity"), failure.getMessage());
        Reason responderSees = loopback.responder.nextFailure().reason();
        assertTrue(responderSees == Reason.CLOSED || responderSees == Reason.TLS, "the initiator hangs up: " + responderSees);
    }

    @Test
    void expiredSigningCertificateIsRefused() throws Exception {
        Clock fortyDaysAgo = Clock.fixed(Instant.now().minus(Duration.ofDays(40)), ZoneOffset.UTC);
        RelayLinkKeys stale = RelayLinkKeys.generate(Ed25519.generateKeyPair(), fortyDaysAgo,
                RelayLinkKeys.DEFAULT_SIGNING_LIFETIME, RelayLinkKeys.DEFAULT_LINK_LIFETIME);
        loopback = new LoopbackLinks(stale, SETTINGS);
        LinkHandshakeException failure = failureOf(loopback.connect(stale.identityKey(), null, SETTINGS, new Recorder()));
        assertEquals(Reason.EXPIRED_CERTIFICATE, failure.reason(), failure.getMessage());
    }

    @Test
    void responderRefusesAnInitiatorWithExpiredCertificates() throws Exception {
        loopback = new LoopbackLinks(relay(), SETTINGS);
        Clock fortyDaysAgo = Clock.fixed(Instant.now().minus(Duration.ofDays(40)), ZoneOffset.UTC);
        RelayLinkKeys stale = RelayLinkKeys.generate(Ed25519.generateKeyPair(), fortyDaysAgo,
                RelayLinkKeys.DEFAULT_SIGNING_LIFETIME, RelayLinkKeys.DEFAULT_LINK_LIFETIME);
        Link out = await(loopback.connect(loopback.responderKeys.identityKey(), stale, SETTINGS, new Recorder()));
        LinkHandshakeException failure = loopback.responder.nextFailure();
        assertEquals(Reason.EXPIRED_CERTIFICATE, failure.reason(), failure.getMessage());
        assertTrue(out.channel().closeFuture().await(10, TimeUnit.SECONDS), "the responder closes the link");
    }

    @Test
    void authenticateSignedByAnUncertifiedKeyIsRefused() throws Exception {
        loopback = new LoopbackLinks(relay(), SETTINGS);
        org.veilswarm.crypto.Ed25519KeyPair identity = Ed25519.generateKeyPair();
        RelayLinkKeys certified = RelayLinkKeys.generate(identity);
        RelayLinkKeys other = RelayLinkKeys.generate(identity);
        // Presents certified's type-6 certificate but signs AUTHENTICATE with another link-auth key.
        RelayLinkKeys impostor = new RelayLinkKeys(identity, null, certified.signingCert(),
                certified.tlsCertificate(), certified.tlsCert(), other.linkAuthKey(), certified.linkAuthCert());
        Link out = await(loopback.connect(loopback.responderKeys.identityKey(), impostor, SETTINGS, new Recorder()));
        LinkHandshakeException failure = loopback.responder.nextFailure();
        assertEquals(Reason.AUTHENTICATION_FAILED, failure.reason(), failure.getMessage());
        assertTrue(failure.getMessage().contains("SIG"), failure.getMessage());
        assertTrue(out.channel().closeFuture().await(10, TimeUnit.SECONDS), "the responder closes the link");
    }

    @Test
    void clockOfTheInitiatorDecidesExpiry() throws Exception {
        loopback = new LoopbackLinks(relay(), SETTINGS);
        LinkSettings farFuture = SETTINGS.withClock(Clock.fixed(Instant.now().plus(Duration.ofDays(31)), ZoneOffset.UTC));
        LinkHandshakeException failure = failureOf(loopback.connect(loopback.responderKeys.identityKey(), null,
                farFuture, new Recorder()));
        assertEquals(Reason.EXPIRED_CERTIFICATE, failure.reason(), failure.getMessage());
    }

    @Test
    void typeFiveCertificateForAnotherTlsCertificateIsRefused() throws Exception {
        RelayLinkKeys honest = relay();
        RelayLinkKeys tampered = honest.withCertifiedTlsDigest(Randoms.bytes(32));
        loopback = new LoopbackLinks(tampered, SETTINGS);
        LinkHandshakeException failure = failureOf(loopback.connect(honest.identityKey(), null, SETTINGS, new Recorder()));
        assertEquals(Reason.TLS_CERTIFICATE_MISMATCH, failure.reason(), failure.getMessage());
    }

    @Test
    void garbageBeforeVersionsClosesTheLink() throws Exception {
        loopback = new LoopbackLinks(relay(), SETTINGS);
        Channel raw = loopback.rawTlsClient("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
        assertEquals(Reason.MALFORMED_CELL, loopback.responder.nextFailure().reason());
        assertTrue(raw.closeFuture().await(10, TimeUnit.SECONDS), "the responder closes the connection");
    }

    @Test
    void noCommonVersionClosesTheLink() throws Exception {
        loopback = new LoopbackLinks(relay(), SETTINGS);
        // VERSIONS with a 2-byte circuit ID offering only link protocols 2 and 3 (tor-spec §4.1).
        Channel raw = loopback.rawTlsClient(new byte[] {0, 0, 7, 0, 4, 0, 2, 0, 3});
        LinkHandshakeException failure = loopback.responder.nextFailure();
        assertEquals(Reason.NO_COMMON_VERSION, failure.reason(), failure.getMessage());
        assertTrue(raw.closeFuture().await(10, TimeUnit.SECONDS), "the responder closes the connection");
    }

    @Test
    void silentPeerTimesOut() throws Exception {
        loopback = new LoopbackLinks(relay(), SETTINGS.withStepTimeout(Duration.ofMillis(300)));
        Channel raw = loopback.rawTlsClient(new byte[0]);
        LinkHandshakeException failure = loopback.responder.nextFailure();
        assertEquals(Reason.TIMEOUT, failure.reason(), failure.getMessage());
        assertTrue(failure.getMessage().contains("VERSIONS"), failure.getMessage());
        assertTrue(raw.closeFuture().await(10, TimeUnit.SECONDS), "the responder closes the connection");
    }

    @Test
    void peerThatNeverSpeaksTlsTimesOutTheInitiator() throws Exception {
        try (java.net.ServerSocket mute = new java.net.ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            loopback = new LoopbackLinks(relay(), SETTINGS);
            io.netty.bootstrap.Bootstrap bootstrap = new io.netty.bootstrap.Bootstrap().group(loopback.group)
                    .channel(io.netty.channel.socket.nio.NioSocketChannel.class);
            Future<Link> future = Links.connect(bootstrap, mute.getLocalSocketAddress(),
                    loopback.responderKeys.identityKey(), null, SETTINGS.withStepTimeout(Duration.ofMillis(300)),
                    new Recorder());
            LinkHandshakeException failure = failureOf(future);
            assertTrue(failure.reason() == Reason.TIMEOUT || failure.reason() == Reason.TLS, failure.getMessage());
        }
    }

    @Test
    void refusedConnectionIsReported() throws Exception {
        loopback = new LoopbackLinks(relay(), SETTINGS);
        java.net.SocketAddress closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closedPort = socket.getLocalSocketAddress();
        }
        io.netty.bootstrap.Bootstrap bootstrap = new io.netty.bootstrap.Bootstrap().group(loopback.group)
                .channel(io.netty.channel.socket.nio.NioSocketChannel.class);
        Recorder recorder = new Recorder();
        LinkHandshakeException failure = failureOf(Links.connect(bootstrap, closedPort,
                loopback.responderKeys.identityKey(), null, SETTINGS, recorder));
        assertEquals(Reason.CONNECT_FAILED, failure.reason());
        assertNotNull(recorder.nextFailure());
    }

    /**
     * A relay extending a circuit while its transport stops (a bundle update): the link is asked of a loop that has
     * stopped. It fails at once and says why, and the caller's listener runs; Netty used to drop the notification
     * (logging it at SEVERE) and the link never finished.
     */
    @Test
    void aLinkAskedOfAStoppedLoopFailsAtOnceAndItsListenersRun() throws Exception {
        loopback = new LoopbackLinks(relay(), SETTINGS);
        io.netty.channel.EventLoopGroup stopped = new io.netty.channel.nio.NioEventLoopGroup(1);
        stopped.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();
        io.netty.bootstrap.Bootstrap bootstrap = new io.netty.bootstrap.Bootstrap().group(stopped)
                .channel(io.netty.channel.socket.nio.NioSocketChannel.class);
        Recorder recorder = new Recorder();
        Future<Link> link = Links.connect(bootstrap, loopback.address(), loopback.responderKeys.identityKey(), null,
                SETTINGS, recorder);
        java.util.concurrent.CountDownLatch heard = new java.util.concurrent.CountDownLatch(1);
        link.addListener(done -> heard.countDown());
        assertTrue(heard.await(10, TimeUnit.SECONDS), "the caller's listener did not run");
        LinkHandshakeException failure = failureOf(link);
        assertEquals(Reason.CONNECT_FAILED, failure.reason());
        assertTrue(failure.getMessage().contains("the onion transport is stopping"), failure.getMessage());
        assertNotNull(recorder.nextFailure());
    }
}
