package org.veilswarm.peerwire;

/**
 * BEP 5 {@code port}: the sender's DHT port. Veilswarm never sets the DHT bit, but peers may still send
 * it; it is decoded so it can be ignored rather than treated as an unknown message.
 */
public record DhtPort(int port) implements PeerMessage {

    public DhtPort {
        if (port < 0 || port > 0xFFFF) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }
}
