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
import org.veilswarm.api.directory.RelayList;
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
                + "pick their relays from, and whose cache answers BEGIN_DIR: merkle or consensus (the "
                + "directory.scheme of a DirectoryScheme or RelaySampler service). "
                + "Empty: whichever is installed. Without one, building circuits fails with 'no directory bound'.")
        String directoryScheme() default "";

        @AttributeDefinition(name = "Publish relay descriptor", description = "Upload this relay's signed "
                + "descriptor through every bound directory scheme to the authorities, so other nodes can build "
                + "circuits through it. Without it the relay carries only circuits of nodes that know it otherwise.")
        boolean publishDescriptor() default true;

        @AttributeDefinition(name = "Claimed flags", description = "Roles the relay consents to (authorities "
                + "decide by their rules whether it gets them): GUARD (entry of circuits), HSDIR (stores onion "
                + "service descriptors). RUNNING, VALID, FAST and STABLE are measured by authorities, not claimed.")
        String[] claimedFlags() default {"GUARD", "HSDIR"};

        @AttributeDefinition(name = "Advertised bandwidth (bytes/s)", min = "0", description = "Bandwidth the "
                + "descriptor declares, which weights how often clients pick this relay; capped by the bandwidth "
                + "rate when that is set. 0 means the relay is listed but never picked.")
        long advertisedBandwidth() default 1L << 20;

        @AttributeDefinition(name = "Descriptor republish interval (s)", min = "10", description = "How often "
                + "the descriptor is uploaded again once accepted (tor: 18 hours). A test network uses seconds.")
        long descriptorRepublishSeconds() default 18 * 3600;

        @AttributeDefinition(name = "Congestion control", description = "Offer and ask for proposal 324's "
                + "congestion control on onion-service rendezvous circuits (a window that follows the measured round "
                + "trip, XON/XOFF per stream) instead of tor's fixed windows. Both ends must agree; a peer without it "
                + "gets fixed windows either way.")
        boolean congestionControl() default true;
    }

    /** First retry after a refused upload; doubles up to {@link #PUBLISH_MAX_RETRY}. */
    private static final java.time.Duration PUBLISH_FIRST_RETRY = java.time.Duration.ofSeconds(2);
    private static final java.time.Duration PUBLISH_MAX_RETRY = java.time.Duration.ofSeconds(30);

    private final OnionTransportEngine engine;
    private final DirectoryHandlers directoryHandlers;
    private DirectoryStreamService directoryStreams;
    /** Null when the configuration says not to publish. */
    private final RelayDescriptorPublisher publisher;

    /**
     * @param identity the node's identity: the relay identity is derived from its key (see {@link RelayIdentity})
     * @param config the configuration; an invalid value fails activation with a message naming it
     */
    @Activate
    public OnionTransportComponent(@Reference NodeIdentity identity, Config config) {
        this.engine = new OnionTransportEngine(settingsOf(config), identity.serviceKey(),
                new DirectorySamplers(config.directoryScheme()));
        this.directoryHandlers = new DirectoryHandlers(config.directoryScheme());
        this.publisher = config.publishDescriptor()
                ? new RelayDescriptorPublisher(engine::relayTarget, () -> RelayIdentity.derive(identity.serviceKey()),
                        publisherSettings(config), java.time.Clock.systemUTC())
                : null;
    }

    static RelayDescriptorPublisher.Settings publisherSettings(Config config) {
        long bandwidth = config.bandwidthRate() > 0 ? Math.min(config.bandwidthRate(), config.advertisedBandwidth())
                : config.advertisedBandwidth();
        return new RelayDescriptorPublisher.Settings(java.time.Duration.ofSeconds(config.descriptorRepublishSeconds()),
                PUBLISH_FIRST_RETRY, PUBLISH_MAX_RETRY, bandwidth,
                RelayDescriptorPublisher.claimedFlags(config.claimedFlags()), "veilswarm-onion-1");
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

    /**
     * A directory scheme (issue #4): its sampler for new circuits, its relay list for the HSDir ring, and its
     * cache, if it serves one, for BEGIN_DIR directory requests at this relay (tor-spec §6.2). Schemes come and
     * go while circuits run: a swap changes what new circuits, new ring computations and new directory streams
     * use; running circuits and streams keep what they were built with.
     */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    synchronized void bindScheme(DirectoryScheme scheme, java.util.Map<String, Object> properties) {
        String name = schemeName(scheme, properties);
        engine.directory().add(scheme.sampler(), name);
        if (scheme instanceof RelayList list) {
            engine.relayLists().add(name, list);
        }
        scheme.directoryService().ifPresent(cache -> directoryHandlers.addScheme(scheme, name, cache));
        engine.serveDirectory(directoryHandlers.current());
        if (publisher != null) {
            publisher.schemeBound(scheme);
        }
    }

    synchronized void unbindScheme(DirectoryScheme scheme, java.util.Map<String, Object> properties) {
        if (publisher != null) {
            publisher.schemeUnbound(scheme);
        }
        String name = schemeName(scheme, properties);
        engine.directory().remove(scheme.sampler());
        if (scheme instanceof RelayList list) {
            engine.relayLists().remove(name, list);
        }
        directoryHandlers.removeScheme(scheme);
        engine.serveDirectory(directoryHandlers.current());
    }

    private static String schemeName(DirectoryScheme scheme, java.util.Map<String, Object> properties) {
        Object name = properties.get(DirectoryScheme.SCHEME);
        return name == null ? scheme.name() : name.toString();
    }

    /** An explicit directory cache on this node: answers BEGIN_DIR before any scheme's (tor-spec §6.2). */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    synchronized void bindDirectoryStreams(DirectoryStreamService service) {
        directoryStreams = service;
        directoryHandlers.explicit(service.directoryStreamInitializer());
        engine.serveDirectory(directoryHandlers.current());
    }

    /** A greedy replacement binds the new service before unbinding the old: only the current one is dropped. */
    synchronized void unbindDirectoryStreams(DirectoryStreamService service) {
        if (directoryStreams == service) {
            directoryStreams = null;
            directoryHandlers.explicit(null);
            engine.serveDirectory(directoryHandlers.current());
        }
    }

    static OnionTransportSettings settingsOf(Config config) {
        return new OnionTransportSettings(config.bindAddress(), config.orPort(), config.advertisedAddress(),
                config.relay(), config.maxCircuits(), config.bandwidthRate(), config.bandwidthBurst(),
                config.eventLoopThreads(), config.maxConnectionsPerAddress(), config.congestionControl());
    }

    @Deactivate
    void deactivate() {
        if (publisher != null) {
            publisher.close();
        }
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

    /** True for {@code .onion} addresses while a directory is bound (paths and the HSDir ring need one). */
    @Override
    public boolean canReach(TransportAddress address) {
        return engine.canReach(address);
    }

    /** Publishes an onion service under {@code key} (rend-spec-v3): see {@link OnionTransportEngine}. */
    @Override
    public CompletionStage<Listener> listen(ServiceKey key, int port, ChannelInitializer<Channel> childInitializer) {
        return engine.listen(key, port, childInitializer);
    }

    /** Reaches {@code <address>.onion:port}: descriptor, introduction, rendezvous, stream. */
    @Override
    public CompletionStage<Channel> connect(TransportAddress to, ChannelInitializer<Channel> initializer) {
        return engine.connect(to, initializer);
    }

    @Override
    public CompletionStage<Listener> listen(ServiceKey key, int port, ChannelInitializer<Channel> childInitializer,
            org.veilswarm.api.transport.ListenOptions options) {
        return engine.listen(key, port, childInitializer, options);
    }

    @Override
    public CompletionStage<Channel> connect(TransportAddress to, ChannelInitializer<Channel> initializer,
            org.veilswarm.api.transport.ConnectOptions options) {
        return engine.connect(to, initializer, options);
    }

    @Override
    public boolean addClientAuthorization(org.veilswarm.api.node.OnionAddress service,
            org.veilswarm.api.transport.ClientAuthSecretKey key) {
        return engine.addClientAuthorization(service, key);
    }

    @Override
    public void removeClientAuthorization(org.veilswarm.api.node.OnionAddress service) {
        engine.removeClientAuthorization(service);
    }

    /** rend-spec-v3 §2.5.1.2 client authorization, both sides (service descriptors and client keys). */
    @Override
    public boolean supportsClientAuthorization() {
        return true;
    }

    @Override
    public RelayCounters relayCounters() {
        return engine.relayCounters();
    }

    @Override
    public java.util.Optional<org.veilswarm.api.transport.CircuitCounts> circuitCounts() {
        return java.util.Optional.of(engine.circuitCounts());
    }

    @Override
    public java.util.Optional<org.veilswarm.api.transport.ServiceCounts> serviceCounts() {
        return java.util.Optional.of(engine.serviceCounts());
    }
}
