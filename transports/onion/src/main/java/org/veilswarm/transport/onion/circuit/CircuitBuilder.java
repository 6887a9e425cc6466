package org.veilswarm.transport.onion.circuit;

import io.netty.util.concurrent.Future;
import java.util.Objects;
import org.veilswarm.transport.onion.crypto.NtorPublicKey;
import org.veilswarm.transport.onion.link.Link;
import org.veilswarm.transport.onion.link.LinkListener;

/**
 * Builds circuits from this node (the client side of tor-spec §5.1 and §5.3): the first hop with
 * CREATE2 over a link, further hops with {@link OriginCircuit#extend(RelayTarget)}.
 */
public final class CircuitBuilder {
    private final CircuitSettings settings;

    public CircuitBuilder(CircuitSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /**
     * A link listener for a client's links: installs a circuit table that refuses CREATE2, then tells
     * {@code next} (may be null).
     */
    public LinkListener clientLinks(LinkListener next) {
        return new LinkListener() {
            @Override
            public void established(Link link) {
                CircuitTable.install(link, settings, null);
                if (next != null) {
                    next.established(link);
                }
            }

            @Override
            public void failed(io.netty.channel.Channel channel, org.veilswarm.transport.onion.link.LinkHandshakeException failure) {
                if (next != null) {
                    next.failed(channel, failure);
                }
            }
        };
    }

    /**
     * Opens a one-hop circuit to the relay at the other end of {@code link} (CREATE2 with ntor,
     * tor-spec §5.1.4). The link must carry a {@link CircuitTable} (see {@link #clientLinks}).
     *
     * @param relayNtorKey the relay's ntor onion key B
     * @param relayIdentity the relay's Ed25519 identity
     * @return completes with the circuit after CREATED2, or fails with {@link CircuitClosedException}
     *     ({@link CircuitBuildTimeoutException} after {@link CircuitSettings#buildTimeout()})
     */
    public Future<OriginCircuit> create(Link link, byte[] relayNtorKey, byte[] relayIdentity) {
        CircuitTable table = CircuitTable.of(link);
        if (table == null) {
            throw new IllegalArgumentException("link has no circuit table: build it with clientLinks(...)");
        }
        return new OriginCircuit(table, settings).start(new NtorPublicKey(NtorIdentity.of(relayIdentity), relayNtorKey));
    }
}
