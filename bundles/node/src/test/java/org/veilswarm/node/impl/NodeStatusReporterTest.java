package org.veilswarm.node.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.veilswarm.api.node.NodeStatus;
import org.veilswarm.api.transport.Anonymity;
import org.veilswarm.api.transport.TransportInfo;
import org.veilswarm.crypto.Ed25519;

class NodeStatusReporterTest {

    private final Ed25519NodeIdentity identity = new Ed25519NodeIdentity(Ed25519.generateKeyPair());
    private final ManualClock clock = new ManualClock(Instant.parse("2030-01-01T00:00:00Z"));
    private final BoundTransports transports = new BoundTransports();
    private final NodeStatusReporter reporter = new NodeStatusReporter(identity.address(), "0.1.0.SNAPSHOT",
            Path.of("/var/lib/veilswarm"), clock, transports);

    @AfterEach
    void close() {
        identity.close();
    }

    @Test
    void theStatusNamesTheNode() {
        NodeStatus status = reporter.status();

        assertEquals(identity.address(), status.address());
        assertEquals("veilswarm", status.nickname());
        assertEquals("0.1.0.SNAPSHOT", status.version());
        assertEquals(Path.of("/var/lib/veilswarm"), status.dataDirectory());
    }

    @Test
    void uptimeCountsFromTheStart() {
        Instant started = reporter.status().startedAt();
        clock.advance(Duration.ofMinutes(90));

        NodeStatus status = reporter.status();

        assertEquals(started, status.startedAt());
        assertEquals(Duration.ofMinutes(90), status.uptime());
    }

    @Test
    void aClockSteppedBackwardsGivesZeroUptimeNotNegative() {
        clock.advance(Duration.ofSeconds(-30));

        assertEquals(Duration.ZERO, reporter.status().uptime());
    }

    @Test
    void withoutTransportsTheNodeWarnsItCannotReachOrBeReached() {
        NodeStatus status = reporter.status();

        assertEquals(List.of(), status.transports());
        assertEquals(List.of("no transport bound: the node cannot reach or be reached"), status.warnings());
    }

    @Test
    void withOnlyANonAnonymousTransportTheNodeSaysItIsNotAnonymous() {
        transports.bind(7, "direct", FixedInfoTransport.direct());

        NodeStatus status = reporter.status();

        assertEquals(List.of("direct"), status.transports());
        assertEquals(1, status.warnings().size(), status.warnings().toString());
        String warning = status.warnings().get(0);
        assertTrue(warning.contains("NOT ANONYMOUS"), warning);
        assertTrue(warning.contains(Anonymity.NONE.description()), warning);
        assertTrue(warning.contains(TransportWarnings.NO_ANONYMOUS_TRANSPORT), warning);
        assertTrue(warning.contains("direct: plain TCP"), warning);
    }

    @Test
    void withAnAnonymousTransportThereIsNoWarning() {
        transports.bind(8, "onion", FixedInfoTransport.onion());

        NodeStatus status = reporter.status();

        assertEquals(List.of("onion"), status.transports());
        assertEquals(List.of(), status.warnings());
    }

    @Test
    void aNonAnonymousTransportBesideAnAnonymousOneIsStillNamed() {
        transports.bind(7, "direct", FixedInfoTransport.direct());
        transports.bind(8, "onion", FixedInfoTransport.onion());

        NodeStatus status = reporter.status();

        assertEquals(List.of("direct", "onion"), status.transports());
        assertEquals(1, status.warnings().size(), status.warnings().toString());
        String warning = status.warnings().get(0);
        assertTrue(warning.contains("direct") && warning.contains("NOT ANONYMOUS"), warning);
        assertFalse(warning.contains(TransportWarnings.NO_ANONYMOUS_TRANSPORT), "the node has an anonymous transport");
        assertTrue(warning.contains("(onion)"), "names the anonymous transports: " + warning);
    }

    @Test
    void theStatusFollowsBindAndUnbind() {
        transports.bind(8, "onion", FixedInfoTransport.onion());
        transports.bind(7, "direct", FixedInfoTransport.direct());
        transports.unbind(8);

        NodeStatus status = reporter.status();

        assertEquals(List.of("direct"), status.transports());
        assertTrue(status.warnings().get(0).contains(TransportWarnings.NO_ANONYMOUS_TRANSPORT), status.warnings().toString());

        transports.unbind(7);
        assertEquals(List.of(TransportWarnings.NONE_BOUND), reporter.status().warnings());
    }

    @Test
    void aTransportThatCannotDescribeItselfCountsAsNotAnonymous() {
        transports.bind(9, "broken", new FixedInfoTransport(FixedInfoTransport.direct().info()) {
            @Override
            public TransportInfo info() {
                throw new IllegalStateException("not started");
            }
        });

        NodeStatus status = reporter.status();

        assertEquals(List.of("broken"), status.transports());
        String warning = status.warnings().get(0);
        assertTrue(warning.contains("NOT ANONYMOUS") && warning.contains("not started"), warning);
    }

    @Test
    void aNewNicknameShowsInTheNextStatus() {
        assertEquals(Optional.empty(), reporter.configureNickname("  attic-box  "));

        assertEquals("attic-box", reporter.status().nickname());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "two\nlines", "bell\u0007",
            "12345678901234567890123456789012345678901234567890123456789012345"})
    void aBadNicknameKeepsTheCurrentOneAndWarns(String bad) {
        reporter.configureNickname("attic-box");

        Optional<String> warning = reporter.configureNickname(bad);

        assertTrue(warning.isPresent());
        assertTrue(warning.get().contains("org.veilswarm.node") && warning.get().contains("attic-box"), warning.get());
        NodeStatus status = reporter.status();
        assertEquals("attic-box", status.nickname());
        assertTrue(status.warnings().contains(warning.get()), status.warnings().toString());
    }

    @Test
    void aValidNicknameClearsTheConfigurationWarning() {
        reporter.configureNickname("");

        reporter.configureNickname("den");

        assertEquals(List.of(TransportWarnings.NONE_BOUND), reporter.status().warnings());
        assertEquals("den", reporter.status().nickname());
    }

    @Test
    void sixtyFourCharactersIncludingNonAsciiAreAllowed() {
        String name = "ü".repeat(64);

        assertEquals(Optional.empty(), reporter.configureNickname(name));
        assertEquals(name, reporter.status().nickname());
    }
}
