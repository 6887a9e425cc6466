package org.veilswarm.transport.onion.dirclient;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
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
import org.veilswarm.api.directory.DirectoryStreams;
import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.transport.onion.circuit.CircuitSettings;
import org.veilswarm.transport.onion.link.LinkSettings;

/**
 * Offers {@link OneHopDirectoryStreams} to the directory schemes as a {@link DirectoryStreams} service with
 * {@code directory.streams.method=begin-dir}, so clients fetch the directory from relay caches (issue #4). A
 * delayed component with its own event-loop thread, started only when a scheme binds it; independent of the
 * transport's component, so a node that does not relay still fetches from caches.
 */
@Component(service = DirectoryStreams.class, configurationPid = DirectoryStreamsComponent.PID,
        property = DirectoryStreams.METHOD + "=" + DirectoryStreams.BEGIN_DIR)
@Designate(ocd = DirectoryStreamsComponent.Config.class)
public class DirectoryStreamsComponent implements DirectoryStreams {
    public static final String PID = "org.veilswarm.transport.onion.directorystreams";
    /** Name of this component's thread, so a stopped bundle can be checked for leftovers. */
    public static final String THREAD_PREFIX = "veilswarm-onion-dirstreams";

    @ObjectClassDefinition(id = PID, name = "Veilswarm onion directory streams",
            description = "How directory schemes reach relay caches: a one-hop circuit (ntor) and a BEGIN_DIR "
                    + "stream.")
    public @interface Config {
        @AttributeDefinition(name = "Step timeout (ms)", min = "1", description = "Bound on each link handshake "
                + "step and on building the one-hop circuit.")
        int timeoutMillis() default 10_000;

        @AttributeDefinition(name = "Idle circuit (s)", min = "1", description = "How long a one-hop circuit to "
                + "a cache without streams is kept for the next request.")
        int idleSeconds() default 60;
    }

    private final EventLoopGroup group = new NioEventLoopGroup(1, new DefaultThreadFactory(THREAD_PREFIX, true));
    private final OneHopDirectoryStreams streams;

    @Activate
    public DirectoryStreamsComponent(Config config) {
        try {
            if (config.timeoutMillis() < 1 || config.idleSeconds() < 1) {
                throw new IllegalArgumentException("timeoutMillis and idleSeconds must be positive, got "
                        + config.timeoutMillis() + " and " + config.idleSeconds());
            }
            Duration timeout = Duration.ofMillis(config.timeoutMillis());
            this.streams = new OneHopDirectoryStreams(group, LinkSettings.defaults().withStepTimeout(timeout),
                    CircuitSettings.defaults(), Duration.ofSeconds(config.idleSeconds()));
        } catch (RuntimeException badConfiguration) {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw badConfiguration;
        }
    }

    @Override
    public CompletionStage<Channel> open(RelayDescriptor relay, ChannelInitializer<Channel> initializer) {
        return streams.open(relay, initializer);
    }

    /** The streams behind the service, for tests. */
    public OneHopDirectoryStreams streams() {
        return streams;
    }

    @Deactivate
    void deactivate() {
        streams.close();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }
}
