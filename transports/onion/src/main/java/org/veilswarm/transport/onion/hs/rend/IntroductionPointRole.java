package org.veilswarm.transport.onion.hs.rend;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.veilswarm.transport.onion.cell.DestroyReason;
import org.veilswarm.transport.onion.circuit.HopControl;
import org.veilswarm.transport.onion.limit.TokenBucket;

/**
 * A relay acting as introduction point (rend-spec-v3 §3.1, §3.2): maps each service's auth key to
 * the circuit that established it, and forwards INTRODUCE1 from clients there as INTRODUCE2.
 */
final class IntroductionPointRole {
    /** A service circuit and, if it asked for one (§3.1.1.1), its INTRODUCE2 rate limit. */
    private record ServiceCircuit(HopControl hop, TokenBucket limit) {
    }

    private final RendezvousRelaySettings settings;
    private final Map<ByteBuffer, ServiceCircuit> services = new ConcurrentHashMap<>();
    /** Circuits that are intro circuits, or that sent their one INTRODUCE1 (C tor allows one per circuit). */
    private final Set<HopControl> used = ConcurrentHashMap.newKeySet();
    final LongAdder refusedEstablish = new LongAdder();
    final LongAdder introductions = new LongAdder();

    IntroductionPointRole(RendezvousRelaySettings settings) {
        this.settings = settings;
    }

    int size() {
        return services.size();
    }

    /** Whether {@code hop} is an introduction circuit here (the service's, or a client's that sent INTRODUCE1). */
    boolean isIntroCircuit(HopControl hop) {
        return used.contains(hop);
    }

    /**
     * §3.1.1 / §3.1.2: a bad cell, MAC or signature closes the circuit; a valid one replaces any older
     * circuit of the same auth key (that one is closed) and is answered with INTRO_ESTABLISHED.
     */
    void establish(HopControl hop, byte[] body) {
        EstablishIntro cell;
        try {
            cell = EstablishIntro.decode(body);
        } catch (RendCellException e) {
            refuse(hop, DestroyReason.PROTOCOL);
            return;
        }
        if (!cell.handshakeAuthValid(hop.handshakeNonce()) || !cell.signatureValid() || !used.add(hop)) {
            refuse(hop, DestroyReason.PROTOCOL);
            return;
        }
        hop.whenClosed().addListener(closed -> used.remove(hop));
        if (services.size() >= settings.maxIntroCircuits()) {
            refuse(hop, DestroyReason.RESOURCELIMIT);
            return;
        }
        TokenBucket limit = cell.dosParameters().filter(dos -> dos.ratePerSecond() > 0)
                .map(dos -> new TokenBucket(dos.ratePerSecond(), Math.max(1, dos.burstPerSecond()), settings.nanoTime()))
                .orElse(null);
        ByteBuffer key = ByteBuffer.wrap(cell.authKey());
        ServiceCircuit entry = new ServiceCircuit(hop, limit);
        ServiceCircuit older = services.put(key, entry);
        if (older != null) {
            older.hop().destroy(DestroyReason.FINISHED);
        }
        hop.whenClosed().addListener(closed -> services.remove(key, entry));
        hop.send(new IntroEstablished(java.util.List.of()).toMessage());
    }

    private void refuse(HopControl hop, DestroyReason reason) {
        refusedEstablish.increment();
        hop.destroy(reason);
    }

    /**
     * §3.2.1 / §3.2.2: relays an INTRODUCE1 to the circuit of its auth key as INTRODUCE2 and answers the
     * client with INTRODUCE_ACK; unknown key or unparseable cell: a failure status. An intro circuit
     * sending INTRODUCE1, or a client circuit sending a second one, is closed.
     */
    void introduce(HopControl client, byte[] body) {
        if (!used.add(client)) {
            client.destroy(DestroyReason.PROTOCOL);
            return;
        }
        client.whenClosed().addListener(closed -> used.remove(client));
        Introduce1 cell;
        try {
            cell = Introduce1.decode("INTRODUCE1", body);
        } catch (RendCellException e) {
            client.send(new IntroduceAck(IntroduceAck.BAD_MESSAGE_FORMAT).toMessage());
            return;
        }
        ServiceCircuit service = services.get(ByteBuffer.wrap(cell.authKey()));
        if (service == null || !service.hop().isOpen()) {
            client.send(new IntroduceAck(IntroduceAck.SERVICE_NOT_RECOGNIZED).toMessage());
            return;
        }
        if (service.limit() != null && !service.limit().tryTake(1)) {
            client.send(new IntroduceAck(IntroduceAck.CANT_RELAY).toMessage());
            return;
        }
        introductions.increment();
        service.hop().send(cell.toIntroduce2());
        client.send(new IntroduceAck(IntroduceAck.SUCCESS).toMessage());
    }
}
