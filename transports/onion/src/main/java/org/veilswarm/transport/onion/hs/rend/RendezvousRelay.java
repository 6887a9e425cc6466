package org.veilswarm.transport.onion.hs.rend;

import java.util.Objects;
import org.veilswarm.transport.onion.cell.RelayCommand;
import org.veilswarm.transport.onion.cell.RelayMessage;
import org.veilswarm.transport.onion.cell.UnparsedRelayMessage;
import org.veilswarm.transport.onion.circuit.ControlMessageHandler;
import org.veilswarm.transport.onion.circuit.HopControl;
import org.veilswarm.transport.onion.circuit.OnionRelay;

/**
 * The onion-service roles every relay plays (rend-spec-v3 §3): introduction point (ESTABLISH_INTRO,
 * INTRODUCE1) and rendezvous point (ESTABLISH_RENDEZVOUS, RENDEZVOUS1). Install with
 * {@link #install(OnionRelay, RendezvousRelaySettings)}.
 */
public final class RendezvousRelay implements ControlMessageHandler {
    private final IntroductionPointRole intro;
    private final RendezvousPointRole rendezvous;

    public RendezvousRelay(RendezvousRelaySettings settings) {
        Objects.requireNonNull(settings, "settings");
        this.intro = new IntroductionPointRole(settings);
        this.rendezvous = new RendezvousPointRole(settings);
    }

    /** Makes {@code relay} an introduction and rendezvous point. */
    public static RendezvousRelay install(OnionRelay relay, RendezvousRelaySettings settings) {
        RendezvousRelay roles = new RendezvousRelay(settings);
        relay.handleControlMessages(roles);
        return roles;
    }

    @Override
    public boolean handle(HopControl hop, RelayMessage message) {
        if (!(message instanceof UnparsedRelayMessage unparsed)) {
            return false;
        }
        RelayCommand command = unparsed.command().orElse(null);
        if (command == null) {
            return false;
        }
        // One purpose per circuit: a rendezvous circuit cannot introduce, nor an intro circuit rendezvous.
        boolean wrongPurpose = switch (command) {
            case ESTABLISH_INTRO, INTRODUCE1 -> rendezvous.isRendezvousCircuit(hop);
            case ESTABLISH_RENDEZVOUS, RENDEZVOUS1 -> intro.isIntroCircuit(hop);
            default -> false;
        };
        if (wrongPurpose) {
            hop.destroy(org.veilswarm.transport.onion.cell.DestroyReason.PROTOCOL);
            return true;
        }
        switch (command) {
            case ESTABLISH_INTRO -> intro.establish(hop, unparsed.body());
            case INTRODUCE1 -> intro.introduce(hop, unparsed.body());
            case ESTABLISH_RENDEZVOUS -> rendezvous.establish(hop, unparsed.body());
            case RENDEZVOUS1 -> rendezvous.rendezvous(hop, unparsed.body());
            default -> {
                return false;
            }
        }
        return true;
    }

    /** Service circuits this relay is introduction point for. */
    public int introCircuits() {
        return intro.size();
    }

    /** ESTABLISH_INTRO cells refused (malformed, bad MAC or signature, table full). */
    public long refusedEstablishIntro() {
        return intro.refusedEstablish.sum();
    }

    /** INTRODUCE1 cells relayed as INTRODUCE2. */
    public long introductions() {
        return intro.introductions.sum();
    }

    /** Cookies waiting for RENDEZVOUS1. */
    public int waitingCookies() {
        return rendezvous.size();
    }

    /** Circuit pairs joined. */
    public long joinedCircuits() {
        return rendezvous.joined.sum();
    }

    /** Cookies that expired before their RENDEZVOUS1. */
    public long expiredCookies() {
        return rendezvous.expired.sum();
    }
}
