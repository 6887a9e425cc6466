package org.veilswarm.share.internal;

import java.time.Duration;
import java.util.Hashtable;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.veilswarm.api.node.NodeIdentity;
import org.veilswarm.api.transport.PersistentListen;
import org.veilswarm.api.transport.Transport;
import org.veilswarm.swarm.choker.HierarchicalRateLimiter;
import org.veilswarm.swarm.engine.EngineConfig;
import org.veilswarm.swarm.engine.RateLimiter;
import org.veilswarm.swarm.engine.SwarmEngine;

/**
 * The node's swarm engine as a service: one {@link SwarmEngine} accepting peers on every bound transport at the
 * configured port (under the node's service key on anonymous transports). Registered as a
 * {@code SwarmEngine} service with {@value #PORT_PROPERTY} telling consumers which port to announce.
 */
@Component(service = {}, immediate = true, configurationPid = "org.veilswarm.swarm",
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = SwarmEngineComponent.Config.class)
public final class SwarmEngineComponent {
    static final String PORT_PROPERTY = "swarm.port";
    static final int DEFAULT_PORT = 8429;
    private static final System.Logger LOG = System.getLogger("org.veilswarm.share");
    private static final Duration LISTEN_FIRST_RETRY = Duration.ofSeconds(1);
    private static final Duration LISTEN_MAX_RETRY = Duration.ofSeconds(60);

    @ObjectClassDefinition(name = "Veilswarm swarm engine", description = "BEP 52 torrents over every transport.")
    public @interface Config {
        @AttributeDefinition(name = "Peer port", min = "1", max = "65535", description = "Port peers connect to, "
                + "on every transport (the onion service port on anonymous transports).")
        int port() default DEFAULT_PORT;

        @AttributeDefinition(name = "Upload rate limit (bytes/s)", min = "0", description = "Payload bytes per "
                + "second sent to peers over all torrents; 0 for no limit. A change restarts the engine.")
        long uploadRate() default 0;

        @AttributeDefinition(name = "Download rate limit (bytes/s)", min = "0", description = "Payload bytes per "
                + "second requested from peers over all torrents; 0 for no limit. A change restarts the engine.")
        long downloadRate() default 0;
    }

    private final SwarmEngine engine;
    private final NodeIdentity identity;
    private final int port;
    private final Map<Transport, PersistentListen> listeners = new IdentityHashMap<>();
    /** Retries listening on transports that cannot yet (no directory, tor bootstrapping). */
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "veilswarm-swarm-listen-retry");
        t.setDaemon(true);
        return t;
    });
    private final Map<Transport, DetachableTransport> attached = new IdentityHashMap<>();

    private final ServiceRegistration<SwarmEngine> registration;

    /**
     * Registers the engine itself as the service: {@code SwarmEngine} is a final class, so the component
     * instance cannot be it, and DS registers only component instances (OSGi Compendium 112.4.3).
     */
    @Activate
    public SwarmEngineComponent(@Reference(name = "identity") NodeIdentity identity, Config config,
            BundleContext context) {
        this.identity = identity;
        this.port = config.port();
        this.engine = new SwarmEngine(EngineConfig.defaults().withUploadLimit(limit("uploadRate", config.uploadRate()))
                .withDownloadLimit(limit("downloadRate", config.downloadRate())));
        this.registration = context.registerService(SwarmEngine.class, engine,
                new Hashtable<>(Map.of(PORT_PROPERTY, port)));
    }

    /**
     * A global token bucket of {@code bytesPerSecond} holding one second's worth (the usual burst, see
     * {@link RateLimiter}); 0 is no limit. A negative rate fails activation naming the property.
     */
    static RateLimiter limit(String property, long bytesPerSecond) {
        if (bytesPerSecond < 0) {
            throw new IllegalArgumentException(property + " must be 0 (no limit) or a positive number of bytes per"
                    + " second, got " + bytesPerSecond);
        }
        if (bytesPerSecond == 0) {
            return RateLimiter.UNLIMITED;
        }
        HierarchicalRateLimiter bucket = HierarchicalRateLimiter.root(bytesPerSecond,
                Math.min(bytesPerSecond, HierarchicalRateLimiter.MAX_BURST), System::nanoTime);
        return bucket::reserve;
    }

    @Reference(name = "transport", cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    synchronized void bindTransport(Transport transport) {
        DetachableTransport seen = new DetachableTransport(transport);
        attached.put(transport, seen);
        String scheme = transport.info().scheme();
        AtomicInteger failures = new AtomicInteger();
        // Gated: torrents of shares for authorized clients only are never served under the node's own key or IP.
        PersistentListen listening = engine.listenPersistently(
                org.veilswarm.share.impl.HiddenTorrents.of(engine).gate(seen), identity.serviceKey(), port, retries,
                LISTEN_FIRST_RETRY, LISTEN_MAX_RETRY, (e, retryIn) -> LOG.log(
                        failures.getAndIncrement() == 0 ? System.Logger.Level.ERROR : System.Logger.Level.DEBUG,
                        "swarm: cannot accept peers on " + scheme + " port " + port + ": " + e.getMessage()
                                + " (trying again in " + retryIn.toSeconds() + " s)"));
        listeners.put(transport, listening);
    }

    synchronized void unbindTransport(Transport transport) {
        DetachableTransport seen = attached.remove(transport);
        if (seen != null) {
            seen.detach();
            engine.removeTransport(seen);
        }
        PersistentListen listening = listeners.remove(transport);
        if (listening != null) {
            // Once closed, the engine lets go of the listener, and with it of the transport's bundle revision.
            listening.closeAsync().whenComplete((ok, e) -> engine.forgetClosedListeners());
        }
    }

    @Deactivate
    void deactivate() {
        try {
            registration.unregister();
        } catch (IllegalStateException alreadyGone) {
            // the bundle is stopping
        }
        retries.shutdownNow();
        engine.close();
    }
}
