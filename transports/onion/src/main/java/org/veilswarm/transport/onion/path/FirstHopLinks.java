package org.veilswarm.transport.onion.path;

import io.netty.bootstrap.Bootstrap;
import io.netty.util.concurrent.Future;
import java.time.Duration;
import java.util.Objects;
import org.veilswarm.transport.onion.circuit.CircuitBuilder;
import org.veilswarm.transport.onion.circuit.RelayTarget;
import org.veilswarm.transport.onion.link.Link;
import org.veilswarm.transport.onion.link.LinkSettings;
import org.veilswarm.transport.onion.link.Links;

/** Where a client's link to the first relay of a path comes from (a new link, or one kept for reuse). */
@FunctionalInterface
public interface FirstHopLinks {

    /**
     * A client link to {@code target} whose identity is proved (tor-spec §4), carrying a circuit table
     * ({@link CircuitBuilder#clientLinks}).
     */
    Future<Link> link(RelayTarget target);

    /**
     * A new client link (never authenticating, as a client does not) for every circuit; production code
     * shares links with {@link #reusing}.
     *
     * @param bootstrap the event loop group and channel type; its handler is replaced
     */
    static FirstHopLinks fresh(Bootstrap bootstrap, LinkSettings settings, CircuitBuilder builder) {
        Objects.requireNonNull(bootstrap, "bootstrap");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(builder, "builder");
        return target -> Links.connect(bootstrap, target.address(), target.identity(), null, settings,
                builder.clientLinks(null));
    }

    /**
     * One shared link per first-hop relay identity (tor-spec §2 channel reuse), closed after
     * {@code idleTimeout} without circuits; see {@link ReusedFirstHopLinks}.
     *
     * @param bootstrap the event loop group and channel type; its handler is replaced
     */
    static ReusedFirstHopLinks reusing(Bootstrap bootstrap, LinkSettings settings, CircuitBuilder builder,
            Duration idleTimeout) {
        return new ReusedFirstHopLinks(bootstrap, settings, builder, Objects.requireNonNull(idleTimeout, "idleTimeout"));
    }
}
