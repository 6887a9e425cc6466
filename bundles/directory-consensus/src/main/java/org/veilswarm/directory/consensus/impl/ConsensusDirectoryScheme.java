package org.veilswarm.directory.consensus.impl;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.veilswarm.api.directory.DirectoryScheme;
import org.veilswarm.api.directory.DirectoryStatus;
import org.veilswarm.api.directory.DirectoryStreams;
import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.api.directory.RelayFlag;
import org.veilswarm.api.directory.RelayList;
import org.veilswarm.directory.consensus.ConsensusClient;
import org.veilswarm.directory.core.BadDirectories;
import org.veilswarm.directory.core.ConsensusEntry;
import org.veilswarm.directory.core.DirectoryTiers;
import org.veilswarm.directory.core.RelayDescriptorParser;
import org.veilswarm.directory.core.VerifiedConsensus;
import org.veilswarm.directory.http.DirectoryEndpoints;
import org.veilswarm.directory.http.DirectoryHttpClient;
import org.veilswarm.directory.http.DirectorySchemeBase;

/**
 * The {@code consensus} scheme as a {@link DirectoryScheme} service ({@code directory.scheme=consensus}), also
 * offering the verified list as a {@link RelayList} (the onion-service HSDir ring). Configuration is required
 * (there is no default authority set). The first list comes over TCP from the configured bootstrap directories
 * (the authorities unless {@code directories} names fallbacks); later ones from relay caches the last verified
 * list names, over the bound {@link DirectoryStreams} service (docs/protocols/directory-consensus.md §5.1). The
 * wiring shared with the merkle scheme is {@link DirectorySchemeBase}.
 */
@Component(service = {DirectoryScheme.class, RelayList.class}, configurationPid = ConsensusDirectoryScheme.PID,
        configurationPolicy = org.osgi.service.component.annotations.ConfigurationPolicy.REQUIRE,
        property = DirectoryScheme.SCHEME + "=" + ConsensusDirectoryScheme.NAME)
@Designate(ocd = ConsensusDirectoryScheme.Config.class)
public class ConsensusDirectoryScheme extends DirectorySchemeBase implements RelayList {
    /** Names of this component's threads (event loop, scheduler), so a stopped bundle can be checked for leftovers. */
    public static final String THREAD_PREFIX = "veilswarm-directory-consensus";
    public static final String PID = "org.veilswarm.directory.consensus";
    public static final String NAME = "consensus";

    @ObjectClassDefinition(id = PID, name = "Veilswarm directory: consensus scheme",
            description = "Clients download the full relay list signed by a majority of the authorities.")
    public @interface Config {
        @AttributeDefinition(name = "Authorities", description = "Each <base64 Ed25519 key>@<host>:<port>. "
                + "A list is trusted when a strict majority of these signed it.")
        String[] authorities();

        @AttributeDefinition(name = "Bootstrap directories", required = false, description = "<host>:<port> of "
                + "fallback directories to download the first list from over TCP (and whenever no relay cache "
                + "answers); empty: the authorities.")
        String[] directories() default {};

        @AttributeDefinition(name = "Relay caches per download", min = "0", description = "Relay caches (relays "
                + "of the last verified list, over directory streams when a transport offers them) asked per "
                + "download before the bootstrap directories; 0: never ask relay caches.")
        int cacheAttempts() default DirectoryTiers.DEFAULT_CACHE_ATTEMPTS;

        @AttributeDefinition(name = "Request timeout (ms)", min = "1")
        int timeoutMillis() default 30_000;

        @AttributeDefinition(name = "Largest list (bytes)", min = "1024", description = "Cap on a downloaded "
                + "list, compressed and inflated.")
        int maxListBytes() default 64 * 1024 * 1024;

        @AttributeDefinition(name = "Mirror refresh (s)", min = "1", description = "How often a directory "
                + "cache downloads the current list and header from the authorities.")
        int mirrorRefreshSeconds() default 300;

        @AttributeDefinition(name = "Serve the directory", description = "Act as a directory cache: mirror the "
                + "list and the merkle header from the authorities and serve them on directory streams.")
        boolean serveDirectory() default false;
    }

    private final ConsensusClient client;
    private final DirectoryTiers<DirectoryHttpClient> tiers;
    private final Clock clock;
    private final Duration timeout;
    private final int maxListBytes;
    /** The relay caches of the last verified list, made once per list. */
    private volatile CacheList caches = new CacheList(null, List.of());

    private record CacheList(VerifiedConsensus from, List<DirectoryHttpClient> clients) {
    }

    @Activate
    public ConsensusDirectoryScheme(Config config) {
        this(config, Clock.systemUTC());
    }

    /** @param clock the client's clock (tests move it past a list's valid-until) */
    ConsensusDirectoryScheme(Config config, Clock clock) {
        super(NAME, THREAD_PREFIX, config.authorities(), Duration.ofMillis(config.timeoutMillis()), config.serveDirectory(),
                Duration.ofSeconds(config.mirrorRefreshSeconds()));
        this.clock = clock;
        this.timeout = Duration.ofMillis(config.timeoutMillis());
        this.maxListBytes = config.maxListBytes();
        if (config.cacheAttempts() < 0) {
            close();
            throw new IllegalArgumentException("cacheAttempts cannot be negative, got " + config.cacheAttempts());
        }
        List<java.net.InetSocketAddress> configured = DirectoryEndpoints.addresses(config.directories());
        List<DirectoryHttpClient> bootstrap = clients(configured.isEmpty() ? authorityAddresses() : configured,
                timeout, config.maxListBytes(), true);
        // The list's bytes are majority-signed and every authority checked each relay signature on upload:
        // checking 10,000 relay signatures again would cost the client seconds (directory-consensus.md §6).
        this.tiers = new DirectoryTiers<>(this::cacheClients, bootstrap, DirectoryHttpClient::name,
                config.cacheAttempts(), DirectorySchemeBase::servesNoDirectory, DirectoryTiers.DEFAULT_SKIP);
        this.client = clientRole(new ConsensusClient(authorities(), tiers, RelayDescriptorParser.vouchedForByAuthorities(),
                clock, new SecureRandom(), ConsensusClient.DEFAULT_MAX_DRAWS, BadDirectories.DEFAULT_MARK));
    }

    @Deactivate
    void deactivate() {
        close();
    }

    /** Directory streams to relay caches (the onion transport's BEGIN_DIR), when a transport offers them. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindDirectoryStreams(DirectoryStreams service) {
        streamsBound(service);
    }

    void unbindDirectoryStreams(DirectoryStreams service) {
        streamsUnbound(service);
    }

    /**
     * The relay caches to ask: every RUNNING, VALID relay of the last verified list (kept after it expires, so
     * the next list comes from caches too), while a directory stream service is bound. Each relay serves the
     * directory when its node is a cache; one that is not answers nothing and the next is asked.
     */
    private List<DirectoryHttpClient> cacheClients() {
        if (directoryStreams() == null) {
            return List.of();
        }
        VerifiedConsensus last = client.lastVerified().orElse(null);
        CacheList known = caches;
        if (last == null || known.from() == last) {
            return known.clients();
        }
        List<DirectoryHttpClient> clients = last.entries().stream()
                .filter(e -> e.flags().contains(RelayFlag.RUNNING) && e.flags().contains(RelayFlag.VALID))
                .map(e -> cacheClient(e.relay(), timeout, maxListBytes, true)).toList();
        caches = new CacheList(last, clients);
        return clients;
    }

    /** The relays of the verified list the authorities gave {@code flag}, with the authorities' flags. */
    @Override
    public CompletionStage<List<RelayDescriptor>> relaysWith(RelayFlag flag) {
        java.util.Objects.requireNonNull(flag, "flag");
        return client.consensus().thenApply(c -> c.entries().stream().filter(e -> e.flags().contains(flag))
                .sorted(Comparator.comparing(ConsensusEntry::identity,
                        (a, b) -> java.util.Arrays.compareUnsigned(a.bytes(), b.bytes())))
                .map(ConsensusEntry::relay).toList());
    }

    @Override
    public DirectoryStatus status() {
        Optional<VerifiedConsensus> c = client.cached();
        String sources = "; " + streamsDetail(directoryStreams() == null ? 0 : cacheClients().size(),
                tiers.skippedCaches(clock.instant())) + "; "
                + client.sources().summary() + "; " + client.badDirectories().size() + " directories marked bad";
        if (c.isEmpty()) {
            return new DirectoryStatus(NAME, false, 0, Optional.empty(), "no verified consensus yet" + sources);
        }
        Instant until = c.get().document().validUntil();
        return new DirectoryStatus(NAME, true, c.get().entries().size(), Optional.of(until),
                "consensus of " + c.get().entries().size() + " relays signed by "
                        + c.get().signed().signatures().size() + " authorities" + sources);
    }

    /** The client, for tests in this bundle. */
    ConsensusClient client() {
        return client;
    }
}
