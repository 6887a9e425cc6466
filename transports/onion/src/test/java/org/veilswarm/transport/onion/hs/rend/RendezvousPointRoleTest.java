package org.veilswarm.transport.onion.hs.rend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.veilswarm.crypto.Randoms;
import org.veilswarm.transport.onion.cell.DestroyReason;
import org.veilswarm.transport.onion.cell.RelayCommand;
import org.veilswarm.transport.onion.cell.RelayMessage;
import org.veilswarm.transport.onion.cell.UnparsedRelayMessage;
import org.veilswarm.transport.onion.circuit.CircuitClosedException;
import org.veilswarm.transport.onion.circuit.HopControl;

/**
 * The rendezvous-point table (rend-spec-v3 §3.3, §3.4) on in-memory hops with a manual clock: bounds,
 * expiry, duplicate and unknown cookies, joining.
 */
class RendezvousPointRoleTest {
    private final EventLoop loop = new DefaultEventLoop();
    private final AtomicLong now = new AtomicLong();

    @AfterEach
    void stop() {
        loop.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
    }

    /** A relay's hop that records what the role did to it. */
    final class Hop implements HopControl {
        final List<RelayMessage> sent = new ArrayList<>();
        final Promise<CircuitClosedException> closed = loop.newPromise();
        DestroyReason destroyedWith;
        HopControl joinedWith;

        @Override
        public EventLoop eventLoop() {
            return loop;
        }

        @Override
        public byte[] handshakeNonce() {
            return new byte[20];
        }

        @Override
        public void send(RelayMessage message) {
            sent.add(message);
        }

        @Override
        public void destroy(DestroyReason reason) {
            if (destroyedWith == null) {
                destroyedWith = reason;
                closed.trySuccess(new CircuitClosedException(reason.code(), "destroyed"));
            }
        }

        @Override
        public boolean isOpen() {
            return destroyedWith == null;
        }

        @Override
        public Future<CircuitClosedException> whenClosed() {
            return closed;
        }

        @Override
        public boolean join(HopControl other) {
            joinedWith = other;
            ((Hop) other).joinedWith = this;
            return true;
        }

        int lastCommand() {
            return ((UnparsedRelayMessage) sent.get(sent.size() - 1)).commandCode();
        }
    }

    private RendezvousPointRole role(int maxCookies, Duration lifetime) {
        return new RendezvousPointRole(RendezvousRelaySettings.defaults().withMaxCookies(maxCookies)
                .withCookieLifetime(lifetime).withNanoTimeForTests(now::get));
    }

    @Test
    void rendezvous1WithAKnownCookieJoinsAndAnswersRendezvous2() throws Exception {
        RendezvousPointRole role = role(4, Duration.ofMinutes(1));
        Hop client = new Hop();
        Hop service = new Hop();
        byte[] cookie = Randoms.bytes(20);
        role.establish(client, RendezvousCells.establishRendezvous(cookie).body());
        assertEquals(RelayCommand.RENDEZVOUS_ESTABLISHED.code(), client.lastCommand());
        assertEquals(1, role.size());
        byte[] info = Randoms.bytes(64);
        role.rendezvous(service, RendezvousCells.rendezvous1(cookie, info).body());
        assertSame(service, client.joinedWith);
        assertEquals(RelayCommand.RENDEZVOUS2.code(), client.lastCommand());
        assertArrayEquals(info, ((UnparsedRelayMessage) client.sent.get(1)).body());
        assertEquals(0, role.size(), "a cookie is used once");
        Hop again = new Hop();
        role.rendezvous(again, RendezvousCells.rendezvous1(cookie, info).body());
        assertEquals(DestroyReason.PROTOCOL, again.destroyedWith, "replayed RENDEZVOUS1");
    }

    @Test
    void duplicateUnknownAndMalformedCookiesCloseTheCircuit() {
        RendezvousPointRole role = role(4, Duration.ofMinutes(1));
        byte[] cookie = Randoms.bytes(20);
        Hop first = new Hop();
        role.establish(first, RendezvousCells.establishRendezvous(cookie).body());
        Hop duplicate = new Hop();
        role.establish(duplicate, RendezvousCells.establishRendezvous(cookie).body());
        assertEquals(DestroyReason.PROTOCOL, duplicate.destroyedWith);
        assertNull(first.destroyedWith);
        Hop unknown = new Hop();
        role.rendezvous(unknown, RendezvousCells.rendezvous1(Randoms.bytes(20), Randoms.bytes(64)).body());
        assertEquals(DestroyReason.PROTOCOL, unknown.destroyedWith);
        Hop malformed = new Hop();
        role.establish(malformed, new byte[19]);
        assertEquals(DestroyReason.PROTOCOL, malformed.destroyedWith);
    }

    @Test
    void tableIsBoundedAndExpiredCookiesMakeRoom() {
        RendezvousPointRole role = role(2, Duration.ofSeconds(60));
        Hop a = new Hop();
        Hop b = new Hop();
        role.establish(a, RendezvousCells.establishRendezvous(Randoms.bytes(20)).body());
        role.establish(b, RendezvousCells.establishRendezvous(Randoms.bytes(20)).body());
        Hop full = new Hop();
        role.establish(full, RendezvousCells.establishRendezvous(Randoms.bytes(20)).body());
        assertEquals(DestroyReason.RESOURCELIMIT, full.destroyedWith);
        assertEquals(2, role.size());

        now.addAndGet(Duration.ofSeconds(61).toNanos());
        Hop late = new Hop();
        role.establish(late, RendezvousCells.establishRendezvous(Randoms.bytes(20)).body());
        assertNull(late.destroyedWith, "expired cookies were dropped to make room");
        assertEquals(DestroyReason.FINISHED, a.destroyedWith, "their circuits are closed");
        assertEquals(DestroyReason.FINISHED, b.destroyedWith);
        assertEquals(1, role.size());
        assertEquals(2, role.expired.sum());
    }

    @Test
    void expiredCookieIsRefusedAtRendezvous1() {
        RendezvousPointRole role = role(4, Duration.ofSeconds(60));
        Hop client = new Hop();
        byte[] cookie = Randoms.bytes(20);
        role.establish(client, RendezvousCells.establishRendezvous(cookie).body());
        now.addAndGet(Duration.ofSeconds(60).toNanos());
        Hop service = new Hop();
        role.rendezvous(service, RendezvousCells.rendezvous1(cookie, Randoms.bytes(64)).body());
        assertEquals(DestroyReason.PROTOCOL, service.destroyedWith);
        assertEquals(DestroyReason.FINISHED, client.destroyedWith);
        assertNull(client.joinedWith);
    }

    @Test
    void closedClientCircuitFreesItsCookie() throws Exception {
        RendezvousPointRole role = role(4, Duration.ofMinutes(1));
        Hop client = new Hop();
        role.establish(client, RendezvousCells.establishRendezvous(Randoms.bytes(20)).body());
        client.destroy(DestroyReason.FINISHED);
        org.veilswarm.transport.onion.circuit.OnionTestNetwork.await(() -> role.size() == 0, "cookie removed on close");
    }

    @Test
    void aCircuitEstablishesOneCookieAndAJoinedCircuitNone() {
        RendezvousPointRole role = role(16, Duration.ofMinutes(1));
        Hop client = new Hop();
        byte[] first = Randoms.bytes(20);
        byte[] second = Randoms.bytes(20);
        role.establish(client, RendezvousCells.establishRendezvous(first).body());
        role.establish(client, RendezvousCells.establishRendezvous(second).body());
        assertEquals(DestroyReason.PROTOCOL, client.destroyedWith, "a second ESTABLISH_RENDEZVOUS on one circuit");
        assertEquals(1, client.sent.size(), "only the first was answered");
        Hop probe = new Hop();
        role.rendezvous(probe, RendezvousCells.rendezvous1(second, Randoms.bytes(64)).body());
        assertEquals(DestroyReason.PROTOCOL, probe.destroyedWith, "the second cookie was never stored");

        Hop waiting = new Hop();
        Hop service = new Hop();
        byte[] cookie = Randoms.bytes(20);
        role.establish(waiting, RendezvousCells.establishRendezvous(cookie).body());
        role.rendezvous(service, RendezvousCells.rendezvous1(cookie, Randoms.bytes(64)).body());
        assertSame(waiting, service.joinedWith);
        role.establish(service, RendezvousCells.establishRendezvous(Randoms.bytes(20)).body());
        assertEquals(DestroyReason.PROTOCOL, service.destroyedWith, "ESTABLISH_RENDEZVOUS on a joined circuit");
    }

    @Test
    void anIntroductionCircuitCannotEstablishARendezvousNorTheReverse() {
        RendezvousRelay relay = new RendezvousRelay(RendezvousRelaySettings.defaults().withNanoTimeForTests(now::get));
        Hop introClient = new Hop();
        relay.handle(introClient, new UnparsedRelayMessage(RelayCommand.INTRODUCE1.code(), new byte[8]));
        assertNull(introClient.destroyedWith, "a malformed INTRODUCE1 is answered, not closed");
        relay.handle(introClient, RendezvousCells.establishRendezvous(Randoms.bytes(20)));
        assertEquals(DestroyReason.PROTOCOL, introClient.destroyedWith, "ESTABLISH_RENDEZVOUS on an intro circuit");
        assertEquals(0, relay.waitingCookies());

        Hop rendezvousClient = new Hop();
        relay.handle(rendezvousClient, RendezvousCells.establishRendezvous(Randoms.bytes(20)));
        assertNull(rendezvousClient.destroyedWith);
        relay.handle(rendezvousClient, new UnparsedRelayMessage(RelayCommand.INTRODUCE1.code(), new byte[8]));
        assertEquals(DestroyReason.PROTOCOL, rendezvousClient.destroyedWith, "INTRODUCE1 on a rendezvous circuit");
    }
}
