package org.veilswarm.transport.onion.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import java.util.concurrent.CompletionStage;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.veilswarm.api.directory.DirectoryScheme;
import org.veilswarm.api.directory.RelaySampler;
import org.veilswarm.transport.onion.path.DirectorySamplers;
import org.veilswarm.transport.onion.stream.DirectoryStreamService;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.veilswarm.api.node.NodeIdentity;
import org.veilswarm.api.transport.Listener;
import org.veilswarm.api.transport.RelayCounters;
import org.veilswarm.api.transport.ServiceKey;
import org.veilswarm.api.transport.Transport;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.api.transport.TransportInfo;

/**
 * Registers the native onion transport as a {@link Transport} with {@code transport.scheme=onion}: the
 * node's relay on its ORPort (see {@link OnionTransportEngine} for what works and what fails with a reason).
 * Configuration is optional; the defaults relay on 127.0.0.1 on a free port. A configuration change
 * deactivates and reactivates the component (no {@code modified} method, OSGi Compendium 112.7.1): the
 * ORPort re-binds and every link and circuit of the old relay is closed, as a relay restart would.
 */
@Component(service = Transport.class, configurationPid = OnionTransportComponent.PID,
        property = Transport.SCHEME + "=" + OnionTransportEngine.SCHEME)
@Designate(ocd = OnionTransportComponent.Config.class)
public class OnionTransportComponent implements Transport {
    /** The configuration PID. */
    public static final String PID = "org.veilswarm.transport.onion";

    @ObjectClassDefinition(id = PID, name = "Veilswarm native onion transport",
            description = "Onion routing after Tor's specifications. This node relays circuits for other nodes "
                    + "(middle role, never an exit). Streams to onion services are not available yet.")
    public @interface Config {
        @AttributeDefinition(name = "Relay", description = "Relay circuits for other nodes on the ORPort. "
                + "Relayed bytes count towards this node's share ratio.")
        boolean relay() default true;

        @AttributeDefinition(name = "ORPort bind address", description = "IP address the ORPort listens on: "
                + "127.0.0.1 (this machine only, the default), a LAN address, or 0.0.0.0 / :: for every interface.")
        String bindAddress() default OnionTransportSettings.DEFAULT_BIND_ADDRESS;

        @AttributeDefinition(name = "ORPort", min = "0", max = "65535", description = "TCP port of the ORPort. "
                + "0 (the default) picks a free port at every start, which is fine while the relay listens on "
                + "loopback only; a relay others should reach needs a fixed port.")
        int orPort() default OnionTransportSettings.DEFAULT_OR_PORT;

        @AttributeDefinition(name = "Advertised address", required = false, description = "IP address other "
                + "relays use to reach the ORPort (behind NAT or port forwarding). Empty: the bind address.")
        String advertisedAddress() default "";

        @AttributeDefinition(name = "Bandwidth rate (bytes/s)", min = "0", description = "Average bytes per "
                + "second the relay reads over all its links; 0 for no limit. Links wait (TCP back-pressure) "
                + "while the budget is spent; no cell is dropped.")
        long bandwidthRate() default 0;

        @AttributeDefinition(name = "Bandwidth burst (bytes)", min = "0", description = "Bytes the relay may "
                + "read at once above the rate; 0 means equal to the rate.")
        long bandwidthBurst() default 0;

        @AttributeDefinition(name = "Maximum circuits", min = "1", description = "Circuits the relay carries at "
                + "once over all links; a CREATE2 beyond it is refused with DESTROY RESOURCELIMIT.")
        int maxCircuits() default OnionTransportSettings.DEFAULT_MAX_CIRCUITS;

        @AttributeDefinition(name = "Connections per address", min = "1", description = "Connections one IP "
                + "address may hold open to the ORPort at once; more are closed when accepted (a connection flood "
                + "from one address costs no TLS work).")
        int maxConnectionsPerAddress() default OnionTransportSettings.DEFAULT_MAX_CONNECTIONS_PER_ADDRESS;

        @AttributeDefinition(name = "Event-loop threads", min = "1", max = "256", description = "Threads that "
                + "carry all links (no thread per link or circuit).")
        int eventLoopThreads() default OnionTransportSettings.DEFAULT_EVENT_LOOP_THREADS;

        @AttributeDefinition(name = "Directory scheme", required = false, description = "The directory circuits "
                + "pick their relays from: merkle or consensus (the directory.scheme of a RelaySampler service). "
                + "Empty: whichever is installed. Without one, building circuits fails with 'no directory bound'.")
        String directoryScheme() default "";
    }

    private final OnionTransportEngine engine;
    private DirectoryStreamService directoryStreams;

    /**
     * @param identity the node's identity: the relay identity is derived from its key (see {@link RelayIdentity})
     * @param config the configuration; an invalid value fails activation with a message naming it
     */
    @Activate
    public OnionTransportComponent(@Reference NodeIdentity identity, Config config) {
        this.engine = new OnionTransportEngine(settingsOf(config), identity.serviceKey(),
                new DirectorySamplers(config.directoryScheme()));
    }

    /** Samplers come and go with the scheme bundles: new circuits use the current one (issue #4, hot swap). */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindSampler(RelaySampler sampler, java.util.Map<String, Object> properties) {
        Object scheme = properties.get(DirectoryScheme.SCHEME);
        engine.directory().add(sampler, scheme == null ? "" : scheme.toString());
    }

    void unbindSampler(RelaySampler sampler) {
        engine.directory().remove(sampler);
    }

    /** A directory cache on this node: the relay answers BEGIN_DIR with it (tor-spec §6.2). */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    synchronized void bindDirectoryStreams(DirectoryStreamService service) {
        directoryStreams = service;
        engine.serveDirectory(service.directoryStreamInitializer());
    }

    /** A greedy replacement binds the new service before unbinding the old: only the current one is dropped. */
    synchronized void unbindDirectoryStreams(DirectoryStreamService service) {
        if (directoryStreams == service) {
            directoryStreams = null;
            engine.serveDirectory(null);
        }
    }

    static OnionTransportSettings settingsOf(Config config) {
        return new OnionTransportSettings(config.bindAddress(), config.orPort(), config.advertisedAddress(),
                config.relay(), config.maxCircuits(), config.bandwidthRate(), config.bandwidthBurst(),
                config.eventLoopThreads(), config.maxConnectionsPerAddress());
    }

    @Deactivate
    void deactivate() {
        engine.close();
    }

    /** The engine behind the service, for tests in this package. */
    OnionTransportEngine engine() {
        return engine;
    }

    @Override
    public TransportInfo info() {
        return engine.info();
    }

    /** False for every address until onion services exist (issue #5). */
    @Override
    public boolean canReach(TransportAddress address) {
        return engine.canReach(address);
    }

    /** Fails with {@code UNSUPPORTED_ADDRESS} until onion services exist (issue #5). */
    @Override
    public CompletionStage<Listener> listen(ServiceKey key, int port, ChannelInitializer<Channel> childInitializer) {
        return engine.listen(key, port, childInitializer);
    }

    /** Fails with {@code UNSUPPORTED_ADDRESS} until onion services exist (issue #5). */
    @Override
    public CompletionStage<Channel> connect(TransportAddress to, ChannelInitializer<Channel> initializer) {
        return engine.connect(to, initializer);
    }

    @Override
    public RelayCounters relayCounters() {
        return engine.relayCounters();
    }
}
