package org.veilswarm.transport.onion.hs.rend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.veilswarm.crypto.Ed25519;
import org.veilswarm.crypto.Ed25519KeyPair;
import org.veilswarm.crypto.Randoms;
import org.veilswarm.crypto.X25519;
import org.veilswarm.crypto.X25519KeyPair;
import org.veilswarm.transport.onion.cell.RelayCommand;
import org.veilswarm.transport.onion.cell.UnparsedRelayMessage;
import org.veilswarm.transport.onion.circuit.OnionRelay;
import org.veilswarm.transport.onion.circuit.OnionTestNetwork;
import org.veilswarm.transport.onion.circuit.OriginCircuit;
import org.veilswarm.transport.onion.stream.LocalServices;
import org.veilswarm.transport.onion.stream.OnionStreamChannel;

/**
 * Introduction and rendezvous (rend-spec-v3 §3) over 9 relays on loopback (relay 8 is killed by one test): the client's circuits use
 * relays 0 and 1 as middles, the service's 3 and 4; relay 2 is the rendezvous point and relay 7 the
 * introduction point, so a joined connection runs client → 0 → 1 → 2 ← 4 ← 3 ← service (3 + 3 hops).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RendezvousNetworkTest {
    private static final Duration STEP = Duration.ofSeconds(10);
    private OnionTestNetwork net;
    private ExecutorService builders;
    private final java.util.Map<OnionRelay, RendezvousRelay> roles = new java.util.HashMap<>();
    private byte[] subcredential;

    @BeforeAll
    void start() throws Exception {
        net = new OnionTestNetwork(9);
        builders = Executors.newFixedThreadPool(4);
        for (OnionRelay relay : net.relays()) {
            roles.put(relay, RendezvousRelay.install(relay, RendezvousRelaySettings.defaults()));
        }
        subcredential = Randoms.bytes(32);
    }

    @AfterAll
    void stop() {
        builders.shutdownNow();
        net.close();
    }

    private TestCircuits clientCircuits() {
        return new TestCircuits(net, List.of(net.relay(0), net.relay(1)), net.relay(2), builders);
    }

    private TestCircuits serviceCircuits() {
        return new TestCircuits(net, List.of(net.relay(3), net.relay(4)), net.relay(2), builders);
    }

    private RendezvousService service(LocalServices services) {
        return new RendezvousService(serviceCircuits(), subcredential, services, STEP);
    }

    private RendezvousClient client(Duration rendezvousTimeout) {
        return new RendezvousClient(clientCircuits(), STEP, rendezvousTimeout);
    }

    @Test
    void streamOverJoinedCircuitsCarriesMebibytesBothWays() throws Exception {
        long size = 2L << 20;
        BlockingQueue<BulkEnd> accepted = new LinkedBlockingQueue<>();
        LocalServices services = new LocalServices();
        services.register(8080, new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel channel) throws Exception {
                BulkEnd end = new BulkEnd(size, size, 2);
                accepted.add(end);
                channel.pipeline().addLast(end);
            }
        });
        OnionRelay rendezvousPoint = net.relay(2);
        long joinedBefore = roles.get(rendezvousPoint).joinedCircuits();
        try (RendezvousService service = service(services)) {
            ServiceIntroPoint intro = service.establish(net.relay(7).target()).get(20, TimeUnit.SECONDS);
            RendezvousConnection connection = client(STEP).connect(intro.target(subcredential)).get(30, TimeUnit.SECONDS);
            assertEquals(4, connection.circuit().hops(), "3 relays and the end-to-end hop");
            BulkEnd clientEnd = new BulkEnd(size, size, 1);
            long started = System.nanoTime();
            OnionStreamChannel stream = connection.open("service.onion", 8080, clientEnd).get(20, TimeUnit.SECONDS);
            BulkEnd serviceEnd = accepted.poll(20, TimeUnit.SECONDS);
            clientEnd.done.get(120, TimeUnit.SECONDS);
            serviceEnd.done.get(120, TimeUnit.SECONDS);
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf("RendezvousNetworkTest: 3+3-hop rendezvous stream, %d MiB each way at once: %.1f s, %.2f MiB/s each way%n",
                    size >> 20, seconds, (size / 1048576.0) / seconds);
            assertEquals(clientEnd.sentDigest(), serviceEnd.receivedDigest(), "client → service");
            assertEquals(serviceEnd.sentDigest(), clientEnd.receivedDigest(), "service → client");
            assertEquals(joinedBefore + 1, roles.get(rendezvousPoint).joinedCircuits());
            assertEquals(1, intro.introductions());
            assertEquals(1, service.connections().size());
            stream.close().sync();
            connection.close();
            OnionTestNetwork.await(() -> service.connections().isEmpty(), "the service side closes with the client's");
        }
    }

    @Test
    void clientMovesOnToTheNextIntroPoint() throws Exception {
        LocalServices services = new LocalServices();
        try (RendezvousService service = service(services)) {
            ServiceIntroPoint intro = service.establish(net.relay(7).target()).get(20, TimeUnit.SECONDS);
            IntroductionTarget gone = new IntroductionTarget(net.relay(7).target(), Ed25519.generateKeyPair().publicKey(),
                    X25519.generateKeyPair().publicKey(), subcredential);
            RendezvousConnection connection = client(STEP).connectAny(List.of(gone, intro.target(subcredential)))
                    .get(60, TimeUnit.SECONDS);
            assertEquals(4, connection.circuit().hops());
            assertEquals(1, intro.introductions());
            connection.close();

            ExecutionException failed = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> client(STEP).connectAny(List.of(gone, gone)).get(60, TimeUnit.SECONDS));
            IntroductionFailedException why = assertInstanceOf(IntroductionFailedException.class, failed.getCause());
            assertEquals(IntroductionFailedException.Reason.SERVICE_NOT_RECOGNIZED, why.reason());
            assertEquals(1, why.getSuppressed().length, "the first attempt's failure");
        }
    }

    /** A client circuit to the intro point that sends {@code body} as INTRODUCE1; returns the ACK status. */
    private int introduceRaw(byte[] body) throws Exception {
        BlockingQueue<OnionTestNetwork.Received> inbox = new LinkedBlockingQueue<>();
        OriginCircuit circuit = net.build(inbox, net.relay(0), net.relay(1), net.relay(7));
        try {
            circuit.send(2, 0, new UnparsedRelayMessage(RelayCommand.INTRODUCE1.code(), body));
            while (true) {
                OnionTestNetwork.Received received = inbox.poll(10, TimeUnit.SECONDS);
                if (received == null) {
                    throw new AssertionError("no INTRODUCE_ACK");
                }
                if (received.envelope().message() instanceof UnparsedRelayMessage m
                        && m.commandCode() == RelayCommand.INTRODUCE_ACK.code()) {
                    return IntroduceAck.decode(m.body()).status();
                }
            }
        } finally {
            circuit.destroy();
        }
    }

    @Test
    void replayedIntroduce2IsRefused() throws Exception {
        CountingTally tally = new CountingTally();
        try (RendezvousService service = service(new LocalServices())) {
            service.tally(tally);
            ServiceIntroPoint intro = service.establish(net.relay(7).target()).get(20, TimeUnit.SECONDS);
            byte[] plaintext = IntroducePlaintext.to(Randoms.bytes(20), net.relay(2).target()).encode(300);
            byte[] cell = Introduce1.seal(intro.authKey(), HsNtor.Client.start(intro.authKey(), intro.encKey(), subcredential),
                    plaintext).encode();

            assertEquals(IntroduceAck.SUCCESS, introduceRaw(cell));
            OnionTestNetwork.await(() -> intro.introductions() == 1, "the first INTRODUCE2 is taken");
            assertEquals(IntroduceAck.SUCCESS, introduceRaw(cell), "the intro point cannot know it is a replay");
            OnionTestNetwork.await(() -> intro.replaysRefused() == 1, "the service refuses the replay");
            assertEquals(1, intro.introductions());

            byte[] otherSubcredential = Randoms.bytes(32);
            byte[] forged = Introduce1.seal(intro.authKey(), HsNtor.Client.start(intro.authKey(), intro.encKey(),
                    otherSubcredential), plaintext).encode();
            long rejected = service.rejectedIntroductions();
            assertEquals(IntroduceAck.SUCCESS, introduceRaw(forged));
            OnionTestNetwork.await(() -> service.rejectedIntroductions() == rejected + 1, "a wrong MAC is rejected (open "
                    + intro.isOpen() + ", introductions " + intro.introductions() + ", replays " + intro.replaysRefused()
                    + ", rejected " + service.rejectedIntroductions() + " of " + rejected + ", closed: "
                    + intro.circuit().whenClosed().getNow() + ")");
            assertEquals(1, intro.introductions());
            // What the transport's statistics are told: the first taken, the replay and the forgery by reason.
            assertEquals(1, tally.get("accepted"), tally.counts.toString());
            assertEquals(1, tally.get("refused:replay"), tally.counts.toString());
            assertEquals(1, tally.get("refused:not-authentic"), tally.counts.toString());
            assertEquals(3, tally.counts.size(), tally.counts.toString());
        }
    }

    @Test
    void unknownAuthKeyIsNotRecognized() throws Exception {
        byte[] authKey = Ed25519.generateKeyPair().publicKey();
        byte[] encrypted = HsNtor.Client.start(authKey, X25519.generateKeyPair().publicKey(), subcredential)
                .encrypt(Introduce1.header(authKey, List.of()), new byte[100]);
        assertEquals(IntroduceAck.SERVICE_NOT_RECOGNIZED, introduceRaw(new Introduce1(authKey, List.of(), encrypted).encode()));
        assertEquals(IntroduceAck.BAD_MESSAGE_FORMAT, introduceRaw(new byte[30]));
    }

    /** Sends {@code body} as ESTABLISH_INTRO on a fresh circuit to relay 6; true if INTRO_ESTABLISHED came. */
    private boolean establishRaw(java.util.function.Function<byte[], byte[]> bodyForNonce) throws Exception {
        BlockingQueue<OnionTestNetwork.Received> inbox = new LinkedBlockingQueue<>();
        OriginCircuit circuit = net.build(inbox, net.relay(3), net.relay(4), net.relay(6));
        try {
            circuit.send(2, 0, new UnparsedRelayMessage(RelayCommand.ESTABLISH_INTRO.code(),
                    bodyForNonce.apply(circuit.handshakeNonce(2))));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline) {
                OnionTestNetwork.Received received = inbox.poll(50, TimeUnit.MILLISECONDS);
                if (received != null && received.envelope().message() instanceof UnparsedRelayMessage m
                        && m.commandCode() == RelayCommand.INTRO_ESTABLISHED.code()) {
                    return true;
                }
                if (!circuit.isOpen()) {
                    return false;
                }
            }
            throw new AssertionError("neither INTRO_ESTABLISHED nor a closed circuit");
        } finally {
            circuit.destroy();
        }
    }

    @Test
    void establishIntroWithBadMacOrSignatureIsRefused() throws Exception {
        RendezvousRelay relay6 = roles.get(net.relay(6));
        Ed25519KeyPair authKey = Ed25519.generateKeyPair();
        long refused = relay6.refusedEstablishIntro();
        assertTrue(establishRaw(nonce -> EstablishIntro.create(authKey, nonce, List.of()).encode()), "a good cell is accepted");

        assertFalse(establishRaw(nonce -> EstablishIntro.create(authKey, Randoms.bytes(20), List.of()).encode()),
                "HANDSHAKE_AUTH under another circuit's KH (a replayed cell)");
        assertFalse(establishRaw(nonce -> {
            byte[] body = EstablishIntro.create(authKey, nonce, List.of()).encode();
            body[body.length - 1] ^= 1;
            return body;
        }), "a bad signature");
        assertFalse(establishRaw(nonce -> {
            // Signed by another key than AUTH_KEY names: MAC right, signature wrong.
            byte[] body = EstablishIntro.create(Ed25519.generateKeyPair(), nonce, List.of()).encode();
            System.arraycopy(authKey.publicKey(), 0, body, 3, 32);
            byte[] prefix = java.util.Arrays.copyOf(body, body.length - 64 - 2 - 32);
            System.arraycopy(HsMac.mac(nonce, prefix), 0, body, prefix.length, 32);
            return body;
        }), "a signature by another key");
        assertEquals(refused + 3, relay6.refusedEstablishIntro());
    }

    @Test
    void aFailedBuildToTheRendezvousPointIsTriedOnceMoreAndTheClientConnects() throws Exception {
        java.util.concurrent.atomic.AtomicInteger builds = new java.util.concurrent.atomic.AtomicInteger();
        TestCircuits real = serviceCircuits();
        CircuitFactory failingFirst = new CircuitFactory() {
            @Override
            public java.util.concurrent.CompletableFuture<OriginCircuit> build(
                    org.veilswarm.transport.onion.circuit.RelayTarget last) {
                if (java.util.Arrays.equals(last.identity(), net.relay(2).identity()) && builds.incrementAndGet() == 1) {
                    return java.util.concurrent.CompletableFuture.failedFuture(
                            new org.veilswarm.transport.onion.circuit.CircuitClosedException(
                                    org.veilswarm.transport.onion.cell.DestroyReason.PROTOCOL.code(),
                                    "injected: a hop refused the ntor handshake"));
                }
                return real.build(last);
            }

            @Override
            public org.veilswarm.transport.onion.circuit.RelayTarget pickRendezvousPoint() {
                return real.pickRendezvousPoint();
            }
        };
        try (RendezvousService service = new RendezvousService(failingFirst, subcredential, new LocalServices(), STEP)) {
            ServiceIntroPoint intro = service.establish(net.relay(7).target()).get(20, TimeUnit.SECONDS);
            // Without the second build the client would wait out its whole rendezvous timeout (STEP) and fail.
            RendezvousConnection connection = client(STEP).connect(intro.target(subcredential)).get(30, TimeUnit.SECONDS);
            assertEquals(4, connection.circuit().hops());
            assertEquals(2, builds.get(), "builds to the rendezvous point");
            assertEquals(1, service.retriedRendezvous());
            assertEquals(0, service.failedRendezvous());
            connection.close();
        }
    }

    @Test
    void serviceThatNeverAnswersGivesRendezvousTimeout() throws Exception {
        // An intro point whose "service" takes INTRODUCE2 and does nothing.
        BlockingQueue<OnionTestNetwork.Received> inbox = new LinkedBlockingQueue<>();
        OriginCircuit silent = net.build(inbox, net.relay(3), net.relay(4), net.relay(7));
        Ed25519KeyPair authKey = Ed25519.generateKeyPair();
        X25519KeyPair encKey = X25519.generateKeyPair();
        silent.send(2, 0, EstablishIntro.create(authKey, silent.handshakeNonce(2), List.of()).toMessage());
        OnionTestNetwork.Received established = inbox.poll(10, TimeUnit.SECONDS);
        assertEquals(RelayCommand.INTRO_ESTABLISHED.code(), ((UnparsedRelayMessage) established.envelope().message()).commandCode());
        try {
            IntroductionTarget target = new IntroductionTarget(net.relay(7).target(), authKey.publicKey(), encKey.publicKey(),
                    subcredential);
            ExecutionException failed = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> client(Duration.ofMillis(1500)).connect(target).get(30, TimeUnit.SECONDS));
            assertInstanceOf(RendezvousTimeoutException.class, failed.getCause());
            OnionTestNetwork.Received introduce2 = inbox.poll(10, TimeUnit.SECONDS);
            assertEquals(RelayCommand.INTRODUCE2.code(), ((UnparsedRelayMessage) introduce2.envelope().message()).commandCode(),
                    "the introduction did reach the service");
        } finally {
            silent.destroy();
        }
    }

    @Test
    void killedIntroPointGivesIntroductionFailed() throws Exception {
        OnionRelay doomed = net.relay(8); // no other test uses it
        try (RendezvousService service = service(new LocalServices())) {
            ServiceIntroPoint intro = service.establish(doomed.target()).get(20, TimeUnit.SECONDS);
            net.kill(doomed);
            OnionTestNetwork.await(() -> !intro.isOpen() && service.introPoints().isEmpty(),
                    "the service sees its intro circuit close");
            ExecutionException failed = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> client(STEP).connect(intro.target(subcredential)).get(30, TimeUnit.SECONDS));
            IntroductionFailedException why = assertInstanceOf(IntroductionFailedException.class, failed.getCause());
            assertEquals(IntroductionFailedException.Reason.INTRO_POINT_UNREACHABLE, why.reason());
        }
    }
}
