package org.veilswarm.transport.onion.internal;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.api.directory.RelayReachabilityProbe;

/**
 * Offers the onion link handshake ({@link LinkHandshakeProbe}) to directory authorities as a
 * {@link RelayReachabilityProbe} with {@code reachability.method=link-handshake}. A delayed component: its one
 * event-loop thread starts only when an authority binds it. Independent of the transport's own component, so
 * an authority that does not relay can still check relays this way.
 */
@Component(service = RelayReachabilityProbe.class, configurationPid = LinkHandshakeProbeComponent.PID,
        property = RelayReachabilityProbe.METHOD + "=" + RelayReachabilityProbe.LINK_HANDSHAKE)
@Designate(ocd = LinkHandshakeProbeComponent.Config.class)
public class LinkHandshakeProbeComponent implements RelayReachabilityProbe {
    public static final String PID = "org.veilswarm.transport.onion.reachability";

    @ObjectClassDefinition(id = PID, name = "Veilswarm onion link-handshake reachability probe",
            description = "How directory authorities on this node check relays: a TLS link handshake that must "
                    + "prove the relay's identity.")
    public @interface Config {
        @AttributeDefinition(name = "Step timeout (ms)", min = "1", description = "Bound on each handshake step.")
        int timeoutMillis() default 10_000;
    }

    private final EventLoopGroup group = new NioEventLoopGroup(1,
            new DefaultThreadFactory(OnionTransportEngine.THREAD_PREFIX + "probe", true));
    private final LinkHandshakeProbe probe;

    @Activate
    public LinkHandshakeProbeComponent(Config config) {
        if (config.timeoutMillis() < 1) {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw new IllegalArgumentException("timeoutMillis must be positive, got " + config.timeoutMillis());
        }
        this.probe = new LinkHandshakeProbe(group, Duration.ofMillis(config.timeoutMillis()));
    }

    @Override
    public CompletionStage<Void> probe(RelayDescriptor relay) {
        return probe.probe(relay);
    }

    @Deactivate
    void deactivate() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }
}
