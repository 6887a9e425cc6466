package org.veilswarm.transport.onion.internal;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import org.veilswarm.transport.onion.circuit.CircuitSettings;

/**
 * Validated settings of the onion transport (from its DS configuration). Every invalid value fails
 * with an {@link IllegalArgumentException} naming the attribute.
 *
 * @param bindAddress IP address the ORPort listens on (an IP literal: no name lookup at start-up)
 * @param orPort TCP port of the ORPort, 0 for a free port chosen at each start
 * @param advertisedAddress IP address peers are told to reach the ORPort at (an IP literal, as in a
 *     relay descriptor); empty for the bind address
 * @param relay whether this node relays circuits for others (listens on the ORPort at all)
 * @param maxCircuits circuits the relay carries at once, over all links
 * @param bandwidthRate bytes per second the relay reads over all its links, 0 for no limit
 * @param bandwidthBurst bytes the relay may read at once; 0 for "the rate"
 * @param eventLoopThreads Netty event-loop threads carrying all links
 * @param maxConnectionsPerAddress connections one IP address may hold open to the ORPort at once
 */
record OnionTransportSettings(String bindAddress, int orPort, String advertisedAddress, boolean relay, int maxCircuits,
        long bandwidthRate, long bandwidthBurst, int eventLoopThreads, int maxConnectionsPerAddress,
        boolean congestionControl) {
    static final String DEFAULT_BIND_ADDRESS = "127.0.0.1";
    static final int DEFAULT_OR_PORT = 0;
    static final int DEFAULT_MAX_CIRCUITS = 65_536;
    static final int DEFAULT_EVENT_LOOP_THREADS = 2;
    static final int DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 50;

    /** Settings with the default per-address connection cap. */
    OnionTransportSettings(String bindAddress, int orPort, String advertisedAddress, boolean relay, int maxCircuits,
            long bandwidthRate, long bandwidthBurst, int eventLoopThreads) {
        this(bindAddress, orPort, advertisedAddress, relay, maxCircuits, bandwidthRate, bandwidthBurst,
                eventLoopThreads, DEFAULT_MAX_CONNECTIONS_PER_ADDRESS);
    }

    /** Settings with congestion control on rendezvous circuits (the default). */
    OnionTransportSettings(String bindAddress, int orPort, String advertisedAddress, boolean relay, int maxCircuits,
            long bandwidthRate, long bandwidthBurst, int eventLoopThreads, int maxConnectionsPerAddress) {
        this(bindAddress, orPort, advertisedAddress, relay, maxCircuits, bandwidthRate, bandwidthBurst,
                eventLoopThreads, maxConnectionsPerAddress, true);
    }

    OnionTransportSettings {
        bindAddress = bindAddress == null ? "" : bindAddress.trim();
        advertisedAddress = advertisedAddress == null ? "" : advertisedAddress.trim();
        if (!isIpLiteral(bindAddress)) {
            throw new IllegalArgumentException("bindAddress must be an IPv4 or IPv6 address, got '" + bindAddress + "'");
        }
        parse(bindAddress, "bindAddress");
        if (!advertisedAddress.isEmpty()) {
            if (!isIpLiteral(advertisedAddress)) {
                throw new IllegalArgumentException("advertisedAddress must be empty or an IPv4 or IPv6 address, got '"
                        + advertisedAddress + "'");
            }
            parse(advertisedAddress, "advertisedAddress");
        }
        if (orPort < 0 || orPort > 65_535) {
            throw new IllegalArgumentException("orPort must be 0..65535, got " + orPort);
        }
        if (maxCircuits < 1) {
            throw new IllegalArgumentException("maxCircuits must be positive, got " + maxCircuits);
        }
        if (bandwidthRate < 0 || bandwidthBurst < 0) {
            throw new IllegalArgumentException("bandwidthRate and bandwidthBurst cannot be negative, got "
                    + bandwidthRate + " and " + bandwidthBurst);
        }
        if (bandwidthRate > 0 && bandwidthBurst > 0 && bandwidthBurst < bandwidthRate) {
            throw new IllegalArgumentException("bandwidthBurst (" + bandwidthBurst + ") must be 0 or at least "
                    + "bandwidthRate (" + bandwidthRate + ")");
        }
        if (maxConnectionsPerAddress < 1) {
            throw new IllegalArgumentException("maxConnectionsPerAddress must be positive, got "
                    + maxConnectionsPerAddress);
        }
        if (eventLoopThreads < 1 || eventLoopThreads > 256) {
            throw new IllegalArgumentException("eventLoopThreads must be 1..256, got " + eventLoopThreads);
        }
    }

    /** The ORPort's socket address (no name lookup: the address is an IP literal). */
    InetSocketAddress bindSocketAddress() {
        return new InetSocketAddress(parse(bindAddress, "bindAddress"), orPort);
    }

    /** The address to advertise with {@code port}: the advertised address, or else the bind address. */
    InetSocketAddress advertised(int port) {
        return new InetSocketAddress(parse(advertisedAddress.isEmpty() ? bindAddress : advertisedAddress,
                "advertisedAddress"), port);
    }

    /** Parses an IP literal (checked by {@link #isIpLiteral} first, so never a name lookup). */
    private static InetAddress parse(String literal, String attribute) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(attribute + " is not a valid IP address: '" + literal + "'", e);
        }
    }

    /** The circuit layer's limits with this configuration applied to the defaults. */
    CircuitSettings circuitSettings() {
        CircuitSettings defaults = CircuitSettings.defaults();
        long burst = bandwidthBurst == 0 ? bandwidthRate : bandwidthBurst;
        return defaults.withMaxRelayCircuits(maxCircuits)
                .withMaxCircuitsPerLink(Math.min(maxCircuits, defaults.maxCircuitsPerLink()))
                .withBandwidth(bandwidthRate, bandwidthRate == 0 ? 0 : burst)
                .withMaxConnectionsPerAddress(maxConnectionsPerAddress);
    }

    private static boolean isIpLiteral(String host) {
        if (host.isEmpty()) {
            return false;
        }
        if (host.indexOf(':') >= 0) {
            return host.matches("[0-9A-Fa-f:.]+"); // IPv6 (possibly with an embedded IPv4 tail)
        }
        String[] parts = host.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String part : parts) {
            if (!part.matches("[0-9]{1,3}") || Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }
}
