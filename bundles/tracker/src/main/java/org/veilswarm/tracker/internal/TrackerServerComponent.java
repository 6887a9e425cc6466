package org.veilswarm.tracker.internal;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.veilswarm.api.node.NodeIdentity;
import org.veilswarm.api.node.OnionAddress;
import org.veilswarm.api.tracker.InfoHash;
import org.veilswarm.api.tracker.TrackerStore;
import org.veilswarm.api.tracker.Visibility;
import org.veilswarm.api.transport.Transport;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.tracker.api.TrackerMirrorInfo;
import org.veilswarm.tracker.api.TrackerMirrors;
import org.veilswarm.tracker.api.TrackerShare;
import org.veilswarm.tracker.api.TrackerShares;
import org.veilswarm.tracker.impl.TrackerSettings;
import org.veilswarm.tracker.mirror.FeedSettings;
import org.veilswarm.tracker.mirror.MirrorSettings;

/**
 * The node's tracker: serves the HTTP tracker on every bound {@link Transport} under the node's identity, over
 * the bound {@link TrackerStore}, and offers {@link TrackerShares} to the share layer. Thin wiring: the work is
 * done by {@link TrackerServer}.
 *
 * <p>References (OSGi Compendium 112.3): transports are dynamic, greedy and multiple, so a transport appearing
 * gets a listener and one going away takes its listener with it, while the others keep serving. The store is
 * dynamic, greedy and optional: when the store bundle is stopped, updated or replaced the tracker keeps running,
 * answers 503 while no store is bound, and uses the new store as soon as it is bound; when several stores match
 * {@code store.target}, the highest {@code service.ranking} wins (the JDBC store ranks above the memory store).
 * A configuration change restarts the component (no {@code modified} method): listeners reopen with the new
 * settings, and consumers of {@link TrackerShares} register their shares again.
 *
 * <p>Mirroring: the listeners serve the mirroring paths and the public index, signed by the node identity;
 * {@link TrackerMirrors} keeps this node's mirrors of other trackers under {@code <data>/tracker/mirrors}
 * (they resume at activation), plus those of the {@code mirrors} property. See
 * docs/protocols/tracker-mirroring.md.
 */
@Component(service = {TrackerShares.class, TrackerMirrors.class}, configurationPid = TrackerServerComponent.PID)
@Designate(ocd = TrackerServerComponent.Config.class)
public class TrackerServerComponent implements TrackerShares, TrackerMirrors {
    /** The configuration PID. */
    public static final String PID = "org.veilswarm.tracker";

    @ObjectClassDefinition(id = PID, name = "Veilswarm tracker",
            description = "The HTTP tracker every node runs, on every transport, for the shares it serves.")
    public @interface Config {
        @AttributeDefinition(name = "Port", min = "0", max = "65535", description = "Port the tracker listens on, "
                + "the same on every transport (0: the transport chooses, direct only).")
        int port() default 6969;

        @AttributeDefinition(name = "Announce interval (s)", min = "1")
        int interval() default 1800;

        @AttributeDefinition(name = "Minimum announce interval (s)", min = "1")
        int minInterval() default 900;

        @AttributeDefinition(name = "Peers per answer by default", min = "0")
        int defaultNumWant() default 50;

        @AttributeDefinition(name = "Peers per answer at most", min = "0")
        int maxNumWant() default 200;

        @AttributeDefinition(name = "Info hashes per scrape at most", min = "1")
        int maxScrapeHashes() default 64;

        @AttributeDefinition(name = "Longest request line (bytes)", min = "256",
                description = "Longer request lines get 414 and the stream is closed.")
        int maxRequestLineBytes() default 4096;

        @AttributeDefinition(name = "Largest header block (bytes)", min = "256",
                description = "Larger headers get 431 and the stream is closed.")
        int maxHeaderBytes() default 8192;

        @AttributeDefinition(name = "Request deadline (ms)", min = "1", description = "A stream must deliver a "
                + "complete request within this time of opening or of the previous answer, or it is closed "
                + "(slowloris and idle keep-alive streams).")
        int requestTimeoutMillis() default 10_000;

        @AttributeDefinition(name = "Peer expiry (s)", min = "1", description = "Peers not heard from for this "
                + "long are removed from the store; keep it above the announce interval.")
        int peerExpirySeconds() default 2_700;

        @AttributeDefinition(name = "Expiry sweep period (s)", min = "1")
        int expirySweepSeconds() default 60;

        @AttributeDefinition(name = "Store threads", min = "1", max = "64", description = "Threads that call "
                + "a blocking store (JDBC), so that the transports' event loops never wait on a database.")
        int storeThreads() default 4;

        @AttributeDefinition(name = "Store filter", required = false, description = "LDAP filter choosing the "
                + "TrackerStore service, e.g. (tracker.store=jdbc); the default takes any store, highest "
                + "service.ranking first.")
        String store_target() default "(tracker.store=*)";

        @AttributeDefinition(name = "Transport filter", required = false, description = "LDAP filter choosing "
                + "the transports served, e.g. (transport.scheme=onion); the default serves on every "
                + "transport.")
        String transport_target() default "(transport.scheme=*)";

        // PASSWORD (OSGi Compendium 105.15.3.6): private share links carry their token, a secret; consoles mask it.
        @AttributeDefinition(name = "Mirrors", required = false, type = AttributeType.PASSWORD, description = "Trackers this node mirrors, for "
                + "nodes without a console: share links (http://<address>.onion:<port>/private/<token>) and node "
                + "addresses (<address>.onion:<port>: all its public shares). Where the transport reaches the "
                + "source under another name, append ' via <address>.onion' to the link or endpoint. Each entry "
                + "is added once: removing the mirror later (TrackerMirrors) sticks. Mirrors added through the "
                + "TrackerMirrors service are kept as well.")
        String[] mirrors() default {};

        @AttributeDefinition(name = "Public index period (s)", min = "1", description = "How often a node mirror "
                + "asks the node for its list of public shares (new shares appear, revoked ones go within this).")
        int mirrorIndexSeconds() default 60;

        @AttributeDefinition(name = "Longest mirror long poll (s)", min = "1", max = "60")
        int mirrorMaxWaitSeconds() default 25;

        @AttributeDefinition(name = "Shares per node mirror at most", min = "1", max = "4096", description = "A node "
                + "mirror runs one mirror per public share of the node; a node listing more is mirrored for the "
                + "first ones in token order (logged, and shown as the mirror's error).")
        int mirrorMaxSharesPerNode() default 64;
    }

    /** Framework property naming the node's data directory (set by the launcher). */
    static final String DATA_DIR = "veilswarm.data.dir";

    private final TrackerServer server;

    @Activate
    public TrackerServerComponent(@Reference(name = "identity") NodeIdentity identity, Config config,
            BundleContext context) {
        String data = context.getProperty(DATA_DIR);
        // Without the launcher's data directory (an embedding or a test framework) the bundle's own data area
        // keeps the mirrors.
        Path dir = data != null ? Path.of(data, "tracker", "mirrors") : context.getDataFile("mirrors").toPath();
        this.server = new TrackerServer(identity.serviceKey(), config.port(), settingsOf(config),
                Duration.ofSeconds(config.peerExpirySeconds()), Duration.ofSeconds(config.expirySweepSeconds()),
                config.storeThreads(), new SecureRandom(), Clock.systemUTC(),
                new TrackerServer.Mirroring(identity, dir,
                        MirrorSettings.DEFAULT.withMaxSharesPerNode(config.mirrorMaxSharesPerNode()), FeedSettings.DEFAULT,
                        Duration.ofSeconds(config.mirrorMaxWaitSeconds()),
                        Duration.ofSeconds(config.mirrorIndexSeconds())));
        mirrors().importConfigured(List.of(config.mirrors()));
    }


    private MirrorRegistry mirrors() {
        return server.mirrors().orElseThrow();
    }

    /** Validated settings; an invalid value fails activation with a message naming the constraint. */
    static TrackerSettings settingsOf(Config config) {
        if (config.peerExpirySeconds() <= config.interval()) {
            throw new IllegalArgumentException("peerExpirySeconds (" + config.peerExpirySeconds()
                    + ") must exceed interval (" + config.interval() + "): peers would expire between announces");
        }
        return new TrackerSettings(config.interval(), config.minInterval(), config.defaultNumWant(),
                config.maxNumWant(), config.maxScrapeHashes(), config.maxRequestLineBytes(), config.maxHeaderBytes(),
                1024, Duration.ofMillis(config.requestTimeoutMillis()));
    }

    @Deactivate
    void deactivate() {
        server.close();
    }

    @Reference(name = "transport", cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindTransport(Transport transport, Map<String, Object> properties) {
        server.addTransport(transport, String.valueOf(properties.get(Transport.SCHEME)));
    }

    void unbindTransport(Transport transport) {
        server.removeTransport(transport);
    }

    @Reference(name = "store", cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindStore(TrackerStore store, Map<String, Object> properties) {
        server.storeBound(store, !Boolean.FALSE.toString().equals(String.valueOf(properties.get(BLOCKING))));
    }

    void updatedStore(TrackerStore store, Map<String, Object> properties) {
        bindStore(store, properties);
    }

    void unbindStore(TrackerStore store) {
        server.storeUnbound(store);
    }

    /**
     * Service property of a {@link TrackerStore}: {@code false} when its calls never block (the memory store),
     * so the tracker calls it on the event loop. Absent means blocking, the safe guess.
     */
    public static final String BLOCKING = "tracker.store.blocking";

    @Override
    public TrackerShare register(Visibility visibility, Set<InfoHash> infoHashes) {
        return server.shares().register(visibility, infoHashes);
    }

    @Override
    public TrackerShare restore(String token, Visibility visibility, Set<InfoHash> infoHashes) {
        return server.shares().restore(token, visibility, infoHashes);
    }

    @Override
    public Optional<TrackerShare> publish(String privateToken, boolean revokePrivate) {
        return server.shares().publish(privateToken, revokePrivate);
    }

    @Override
    public boolean revoke(String token) {
        return server.shares().revoke(token);
    }

    @Override
    public Optional<TrackerShare> find(String token) {
        return server.shares().find(token);
    }

    @Override
    public List<TransportAddress> endpoints() {
        return server.shares().endpoints();
    }

    @Override
    public TrackerMirrorInfo mirrorShare(String shareLink) {
        return mirrors().mirrorShare(shareLink);
    }

    @Override
    public TrackerMirrorInfo mirrorShare(OnionAddress source, String url) {
        return mirrors().mirrorShare(source, url);
    }

    @Override
    public TrackerMirrorInfo mirrorNode(String address) {
        return mirrors().mirrorNode(address);
    }

    @Override
    public TrackerMirrorInfo mirrorNode(OnionAddress source, TransportAddress endpoint) {
        return mirrors().mirrorNode(source, endpoint);
    }

    @Override
    public boolean remove(String id) {
        return mirrors().remove(id);
    }

    @Override
    public Optional<TrackerMirrorInfo> status(String id) {
        return mirrors().status(id);
    }

    @Override
    public List<TrackerMirrorInfo> list() {
        return mirrors().list();
    }
}
