package org.veilswarm.transport.direct.impl;

import java.util.Arrays;
import java.util.concurrent.CompletionStage;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.veilswarm.api.transport.Listener;
import org.veilswarm.api.transport.RelayCounters;
import org.veilswarm.api.transport.ServiceKey;
import org.veilswarm.api.transport.Transport;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.api.transport.TransportInfo;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;

/**
 * Registers the direct transport as a {@link Transport} service with {@code transport.scheme=direct}.
 * Configuration is optional (the defaults bind loopback only). A configuration change deactivates and
 * reactivates the component (no {@code modified} method, OSGi Compendium 112.7.1): every listener and stream
 * of the old engine is closed, because a new bind address or limit cannot apply to them.
 */
@Component(service = Transport.class, configurationPid = DirectTransportComponent.PID,
        property = Transport.SCHEME + "=" + DirectTransportEngine.SCHEME)
@Designate(ocd = DirectTransportComponent.Config.class)
public class DirectTransportComponent implements Transport {
    /** The configuration PID. */
    public static final String PID = "org.veilswarm.transport.direct";

    @ObjectClassDefinition(id = PID, name = "Veilswarm direct transport (NOT ANONYMOUS)",
            description = "Plain TCP with no anonymity and no encryption: peers see this node's IP address. "
                    + "For a LAN, tests and ordinary BitTorrent clients.")
    public @interface Config {
        @AttributeDefinition(name = "Bind address", description = "IP address listeners bind: 127.0.0.1 "
                + "(this machine only), a LAN address, or 0.0.0.0 / :: for every interface.")
        String bindAddress() default DirectTransportSettings.DEFAULT_BIND_ADDRESS;

        @AttributeDefinition(name = "Advertised host", required = false, description = "Host name or IP "
                + "address peers use to reach this node, reported in listener addresses. Empty: the bind "
                + "address (set it when binding 0.0.0.0 or behind port forwarding).")
        String advertisedHost() default "";

        @AttributeDefinition(name = "Worker threads", min = "1", max = "256",
                description = "Event-loop threads that carry all streams.")
        int workerThreads() default DirectTransportSettings.DEFAULT_WORKER_THREADS;

        @AttributeDefinition(name = "Connect timeout (ms)", min = "1", max = "600000",
                description = "Deadline for an outbound connection, host name lookup included.")
        int connectTimeoutMillis() default DirectTransportSettings.DEFAULT_CONNECT_TIMEOUT_MILLIS;

        @AttributeDefinition(name = "Maximum inbound connections", min = "1", max = "1000000",
                description = "Inbound streams open at once over all listeners; further connections are "
                        + "closed at once and logged.")
        int maxConnections() default DirectTransportSettings.DEFAULT_MAX_CONNECTIONS;

        @AttributeDefinition(name = "Accept backlog", min = "1", max = "65535", description = "Connections "
                + "the kernel queues per listener before they are accepted (capped by net.core.somaxconn).")
        int acceptBacklog() default DirectTransportSettings.DEFAULT_ACCEPT_BACKLOG;

        @AttributeDefinition(name = "TCP keep-alive", description = "Set SO_KEEPALIVE so that peers that "
                + "vanished without closing are eventually noticed.")
        boolean tcpKeepAlive() default DirectTransportSettings.DEFAULT_TCP_KEEP_ALIVE;

        @AttributeDefinition(name = "Allowed sources", required = false, description = "CIDR blocks "
                + "(192.168.1.0/24, fd00::/8) or addresses allowed to connect; empty: anyone who can reach "
                + "the bind address.")
        String[] allowedSources() default {};

        @AttributeDefinition(name = "Native transport (epoll)", description = "Use Netty's native epoll "
                + "transport where it loads (Linux x86_64): fewer system calls per connection than the JDK's NIO. "
                + "On by default; off, or where epoll does not load: NIO (the log says which one runs and why).")
        boolean nativeTransport() default DirectTransportSettings.DEFAULT_NATIVE_TRANSPORT;

        @AttributeDefinition(name = "One listening socket per event loop", description = "With epoll, every "
                + "listener binds one SO_REUSEPORT socket per worker thread so that each accepts its own "
                + "connections; off: one socket whose loop hands streams to the others.")
        boolean listenerPerLoop() default DirectTransportSettings.DEFAULT_LISTENER_PER_LOOP;
    }

    private final DirectTransportEngine engine;

    @Activate
    public DirectTransportComponent(Config config) {
        this.engine = new DirectTransportEngine(settingsOf(config));
    }

    /** Validated settings from a configuration; an invalid value fails activation with a message naming it. */
    static DirectTransportSettings settingsOf(Config config) {
        return DirectTransportSettings.builder()
                .bindAddress(config.bindAddress())
                .advertisedHost(config.advertisedHost())
                .workerThreads(config.workerThreads())
                .connectTimeoutMillis(config.connectTimeoutMillis())
                .maxConnections(config.maxConnections())
                .acceptBacklog(config.acceptBacklog())
                .tcpKeepAlive(config.tcpKeepAlive())
                .allowedSources(Arrays.asList(config.allowedSources()))
                .nativeTransport(config.nativeTransport())
                .listenerPerLoop(config.listenerPerLoop())
                .build();
    }

    @Deactivate
    void deactivate() {
        engine.close();
    }

    /** The engine behind the service, for tests in this package. */
    DirectTransportEngine engine() {
        return engine;
    }

    @Override
    public TransportInfo info() {
        return engine.info();
    }

    @Override
    public boolean canReach(TransportAddress address) {
        return engine.canReach(address);
    }

    /** See {@link DirectTransportEngine#listen}: the key is ignored. */
    @Override
    public CompletionStage<Listener> listen(ServiceKey key, int port, ChannelInitializer<Channel> childInitializer) {
        return engine.listen(key, port, childInitializer);
    }

    @Override
    public CompletionStage<Channel> connect(TransportAddress to, ChannelInitializer<Channel> initializer) {
        return engine.connect(to, initializer);
    }

    @Override
    public RelayCounters relayCounters() {
        return engine.relayCounters();
    }
}
