package org.veilswarm.transport.tor.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veilswarm.api.transport.TransportException;
import org.veilswarm.api.transport.TransportException.Reason;
import org.veilswarm.crypto.Randoms;
import org.veilswarm.transport.tor.monitor.TorState.Phase;
import org.veilswarm.transport.tor.testing.FakeTorControlPort;
import org.veilswarm.transport.tor.testing.PrivateTorNetwork;
import org.veilswarm.transport.tor.testing.RealTor;

/**
 * Bad input: no tor, a tor that cannot bootstrap, control ports that hang up, answer garbage or never
 * answer, and a control connection lost after start. Each must fail with a clear error, show the state in
 * the monitor, never hang, and leave no tor process and no transport thread behind.
 */
class TorTransportFailuresTest {
    private static final Duration SHORT = Duration.ofSeconds(2);

    @TempDir
    Path dir;

    @AfterEach
    void noTransportThreadsLeft() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        List<String> left;
        do {
            left = Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                    .filter(n -> n.startsWith(TorTransportEngine.THREAD_NAME_PREFIX) || n.startsWith("tor-control")).toList();
            if (left.isEmpty()) {
                return;
            }
            Thread.sleep(50);
        } while (System.nanoTime() - deadline < 0);
        throw new AssertionError("threads left after close: " + left);
    }

    @Test
    void missingTorExecutableFailsNamingThePathAndHowToInstall() throws Exception {
        Path missing = dir.resolve("no-tor-here");
        try (TorTransportEngine engine = new TorTransportEngine(TorTransportSettings.owned(dir.resolve("tor")).withExecutable(missing))) {
            TransportException e = readyFailure(engine);
            assertEquals(Reason.OTHER, e.reason());
            assertTrue(e.getMessage().contains(missing.toString()) && e.getMessage().contains("apt-get install -y tor"), e.getMessage());
            assertEquals(Phase.FAILED, engine.monitor().state().phase());
            assertTrue(engine.monitor().state().detail().contains(missing.toString()));
            assertTrue(engine.monitor().log().stream().anyMatch(l -> l.severity().equals("ERR") && l.message().contains(missing.toString())));
            // Calls made afterwards fail at once with the same reason instead of waiting.
            TransportException connect = failure(engine.connect(onion(), initializer()));
            assertEquals(Reason.OTHER, connect.reason());
            assertTrue(connect.getMessage().contains("tor transport unavailable"), connect.getMessage());
            assertEquals(Reason.OTHER, failure(engine.listen(SeedServiceKey.random(), 80, initializer())).reason());
        }
    }

    @Test
    void unreachableAuthoritiesTimeOutBootstrapNamingThePhaseAndStopTor() throws Exception {
        // Authorities on ports nobody listens on: tor starts, but never gets a consensus.
        String authority = "DirAuthority nowhere orport=" + PrivateTorNetwork.freePort() + " no-v2 v3ident="
                + HexFormat.of().withUpperCase().formatHex(Randoms.bytes(20)) + " 127.0.0.1:" + PrivateTorNetwork.freePort() + " "
                + HexFormat.of().withUpperCase().formatHex(Randoms.bytes(20));
        TorTransportSettings settings = TorTransportSettings.owned(dir.resolve("tor")).withExecutable(RealTor.executable())
                .withExtraTorrcLines(List.of("TestingTorNetwork 1", authority))
                .withTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(3), Duration.ofSeconds(5));
        ProcessHandle tor;
        try (TorTransportEngine engine = new TorTransportEngine(settings)) {
            TransportException e = readyFailure(engine);
            assertEquals(Reason.TIMEOUT, e.reason(), e.getMessage());
            assertTrue(e.getMessage().contains("did not finish bootstrapping") && e.getMessage().contains("stuck at"), e.getMessage());
            assertEquals(Phase.FAILED, engine.monitor().state().phase());
            assertTrue(engine.monitor().bootstrap().progress() < 100);
            tor = engine.torProcess().orElse(null);
        }
        if (tor != null) {
            assertFalse(tor.isAlive(), "the owned tor outlived a failed start");
        }
    }

    @Test
    void controlPortThatHangsUpIsAClearError() throws Exception {
        try (FakeTorControlPort fake = new FakeTorControlPort().closeAfter("PROTOCOLINFO").start();
                TorTransportEngine engine = attached(fake)) {
            TransportException e = readyFailure(engine);
            assertTrue(e.getMessage().contains("control port at 127.0.0.1:" + fake.port()), e.getMessage());
            assertTrue(e.getMessage().contains("PROTOCOLINFO") && e.getMessage().toLowerCase().contains("closed"), e.getMessage());
            assertEquals(Phase.FAILED, engine.monitor().state().phase());
        }
    }

    @Test
    void controlPortAnsweringGarbageIsAClearError() throws Exception {
        // What a client sees when the control port setting points at an HTTP server instead of tor.
        byte[] http = "HTTP/1.0 501 Tor is not an HTTP Proxy\r\nContent-Type: text/html\r\n\r\n<html>".getBytes(StandardCharsets.US_ASCII);
        try (FakeTorControlPort fake = new FakeTorControlPort().greeting(http).start(); TorTransportEngine engine = attached(fake)) {
            TransportException e = readyFailure(engine);
            assertTrue(e.getMessage().contains("control port at 127.0.0.1:" + fake.port()), e.getMessage());
            assertTrue(e.getMessage().contains("BAD_STATUS_CODE") || e.getMessage().contains("MALFORMED_LINE")
                    || e.getMessage().contains("UNEXPECTED_REPLY"), e.getMessage());
        }
    }

    @Test
    void controlPortThatNeverAnswersTimesOut() throws Exception {
        try (FakeTorControlPort fake = new FakeTorControlPort().start(); TorTransportEngine engine = attached(fake)) {
            TransportException e = readyFailure(engine);
            assertTrue(e.getMessage().contains("no reply to PROTOCOLINFO within"), e.getMessage());
        }
    }

    @Test
    void controlConnectionLostAfterStartFailsTheTransportAndLaterCalls() throws Exception {
        try (FakeTorControlPort fake = FakeTorControlPort.bootstrapped(9).start(); TorTransportEngine engine = attached(fake)) {
            engine.ready().get(20, TimeUnit.SECONDS);
            assertEquals(Phase.READY, engine.monitor().state().phase());
            fake.dropConnections();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (engine.monitor().state().phase() != Phase.FAILED && System.nanoTime() - deadline < 0) {
                Thread.sleep(20);
            }
            assertEquals(Phase.FAILED, engine.monitor().state().phase());
            assertTrue(engine.monitor().state().detail().contains("control connection closed"));
            TransportException e = failure(engine.listen(SeedServiceKey.random(), 80, initializer()));
            assertEquals(Reason.CLOSED, e.reason(), e.getMessage());
        }
    }

    @Test
    void closeWhileStartingDoesNotHangAndStopsTor() throws Exception {
        TorTransportSettings settings = TorTransportSettings.owned(dir.resolve("tor")).withExecutable(RealTor.executable())
                .withExtraTorrcLines(List.of("DisableNetwork 1"))
                .withTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofSeconds(5));
        TorTransportEngine engine = new TorTransportEngine(settings).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (engine.monitor().state().phase() != Phase.BOOTSTRAPPING && System.nanoTime() - deadline < 0) {
            Thread.sleep(20);
        }
        ProcessHandle tor = engine.torProcess().orElseThrow();
        engine.close(); // bootstrap would wait 5 minutes
        assertEquals(Reason.CLOSED, readyFailure(engine).reason());
        assertFalse(tor.isAlive());
        assertEquals(Phase.STOPPED, engine.monitor().state().phase());
    }

    @Test
    void torKilledWhileBootstrappingIsReportedAndNothingIsLeft() throws Exception {
        TorTransportSettings settings = TorTransportSettings.owned(dir.resolve("tor")).withExecutable(RealTor.executable())
                .withExtraTorrcLines(List.of("DisableNetwork 1"))
                .withTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofSeconds(5));
        try (TorTransportEngine engine = new TorTransportEngine(settings).start()) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (engine.torProcess().isEmpty() && System.nanoTime() - deadline < 0) {
                Thread.sleep(20);
            }
            ProcessHandle tor = engine.torProcess().orElseThrow();
            tor.destroyForcibly(); // SIGKILL: no goodbye on the control connection
            TransportException e = readyFailure(engine);
            assertEquals(Reason.OTHER, e.reason());
            // A command of ours still unread in tor's socket when it died makes the kernel answer with a reset
            // instead of an orderly close: either way the connection went with tor.
            assertTrue(e.getMessage().startsWith("cannot start tor:") && (e.getMessage().contains("closed")
                    || e.getMessage().contains("Connection reset")), e.getMessage());
            assertEquals(Phase.FAILED, engine.monitor().state().phase());
            // The kernel closes a killed process's sockets before its parent has reaped it (a zombie counts as
            // alive): ready can fail before tor is gone, so wait for the exit with a bound.
            tor.onExit().get(10, TimeUnit.SECONDS);
            assertFalse(tor.isAlive());
        }
    }

    private TorTransportEngine attached(FakeTorControlPort fake) {
        return new TorTransportEngine(TorTransportSettings.attach("127.0.0.1", fake.port(), "")
                .withTimeouts(SHORT, SHORT, SHORT, SHORT)).start();
    }

    static TransportException readyFailure(TorTransportEngine engine) throws Exception {
        engine.start();
        return failure(engine.ready());
    }

    static TransportException failure(CompletableFuture<?> future) throws Exception {
        ExecutionException e = assertThrows(ExecutionException.class, () -> future.get(60, TimeUnit.SECONDS));
        return assertInstanceOf(TransportException.class, e.getCause());
    }

    static org.veilswarm.api.transport.TransportAddress onion() {
        return org.veilswarm.api.transport.TransportAddress.of(SeedServiceKey.random().address(), 80);
    }

    static ChannelInitializer<Channel> initializer() {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
            }
        };
    }
}
