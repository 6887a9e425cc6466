package org.veilswarm.directory.merkle.impl;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

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
import org.veilswarm.api.directory.DirectoryException;
import org.veilswarm.api.directory.DirectoryScheme;
import org.veilswarm.api.directory.DirectoryStatus;
import org.veilswarm.api.directory.DirectoryStreams;
import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.api.directory.RelayFlag;
import org.veilswarm.api.directory.RelayList;
import org.veilswarm.api.directory.RelayRole;
import org.veilswarm.directory.core.DirectoryQueries;
import org.veilswarm.directory.core.DirectoryTiers;
import org.veilswarm.directory.core.MerkleAnswerVerifier;
import org.veilswarm.directory.core.MerkleRelaySampler;
import org.veilswarm.directory.core.RelayDescriptorParser;
import org.veilswarm.directory.core.VerifiedHeader;
import org.veilswarm.directory.http.DirectoryEndpoints;
import org.veilswarm.directory.http.DirectoryHttpClient;
import org.veilswarm.directory.http.DirectorySchemeBase;
import org.veilswarm.directory.http.HttpDirectoryQueries;

/**
 * The {@code merkle} scheme as a {@link DirectoryScheme} service ({@code directory.scheme=merkle}): the
 * sampler is {@link MerkleRelaySampler} over {@link HttpDirectoryQueries}, one per configured directory. Also a
 * {@link RelayList} for the roles the header indexes (the HSDir ring walks the HSDIR tree, every relay proven).
 * Configuration is required (there is no default authority set). The header and the first answers come over TCP
 * from the configured bootstrap directories; once a {@link DirectoryStreams} service is bound, later ones from
 * relay caches the client learned from verified answers ({@link KnownCaches},
 * docs/protocols/directory-merkle.md §6.2). The wiring shared with the consensus scheme is
 * {@link DirectorySchemeBase}.
 */
@Component(service = {DirectoryScheme.class, RelayList.class}, configurationPid = MerkleDirectoryScheme.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE,
        property = DirectoryScheme.SCHEME + "=" + MerkleDirectoryScheme.NAME)
@Designate(ocd = MerkleDirectoryScheme.Config.class)
public class MerkleDirectoryScheme extends DirectorySchemeBase implements RelayList {
    /** Names of this component's threads (event loop, scheduler), so a stopped bundle can be checked for leftovers. */
    public static final String THREAD_PREFIX = "veilswarm-directory-merkle";
    public static final String PID = "org.veilswarm.directory.merkle";
    public static final String NAME = "merkle";

    @ObjectClassDefinition(id = PID, name = "Veilswarm directory: merkle scheme",
            description = "Clients download a signed fixed-size header and query directories for single relays "
                    + "with Merkle proofs.")
    public @interface Config {
        @AttributeDefinition(name = "Authorities", description = "Each <base64 Ed25519 key>@<host>:<port>. "
                + "A header is trusted when a strict majority of these signed it.")
        String[] authorities();

        @AttributeDefinition(name = "Bootstrap directories", required = false, description = "<host>:<port> of "
                + "fallback directories to fetch the first header and answers from over TCP (and whenever no relay "
                + "cache answers); empty: the authorities.")
        String[] directories() default {};

        @AttributeDefinition(name = "Relay caches per request", min = "0", description = "Relay caches (relays "
                + "proven by verified answers, over directory streams when a transport offers them) asked per "
                + "request before the bootstrap directories; 0: never ask relay caches.")
        int cacheAttempts() default DirectoryTiers.DEFAULT_CACHE_ATTEMPTS;

        @AttributeDefinition(name = "Relay caches kept", min = "1", description = "How many relays proven by "
                + "verified answers the client keeps as caches to ask (the most recent ones).")
        int maxCaches() default 8;

        @AttributeDefinition(name = "Request timeout (ms)", min = "1")
        int timeoutMillis() default 10_000;

        @AttributeDefinition(name = "Maximum draws per pick", min = "1", description = "Draws before a pick "
                + "that the path constraints keep refusing fails.")
        int maxDraws() default MerkleRelaySampler.DEFAULT_MAX_DRAWS;

        @AttributeDefinition(name = "Mirror refresh (s)", min = "1", description = "How often a directory "
                + "downloads the current list and header from the authorities.")
        int mirrorRefreshSeconds() default 300;

        @AttributeDefinition(name = "Serve the directory", description = "Act as a directory: hold the list "
                + "and the trees and answer find on directory streams.")
        boolean serveDirectory() default false;

        @AttributeDefinition(name = "Largest relay list", min = "1", description = "Most relays of one role "
                + "this client lists by walking the tree (one verified find per relay), for the onion-service "
                + "HSDir ring.")
        int maxListedRelays() default 4096;
    }

    private final MerkleRelaySampler sampler;
    private final int maxListedRelays;
    private final KnownCaches caches;
    private final DirectoryTiers<DirectoryQueries> tiers;
    private final Clock clock;

    @Activate
    public MerkleDirectoryScheme(Config config) {
        this(config, Clock.systemUTC());
    }

    /** @param clock the client's clock (tests move it past a header's valid-until) */
    MerkleDirectoryScheme(Config config, Clock clock) {
        super(NAME, THREAD_PREFIX, config.authorities(), Duration.ofMillis(config.timeoutMillis()), config.serveDirectory(),
                Duration.ofSeconds(config.mirrorRefreshSeconds()));
        Duration timeout = Duration.ofMillis(config.timeoutMillis());
        if (config.cacheAttempts() < 0 || config.maxCaches() < 1) {
            close();
            throw new IllegalArgumentException("cacheAttempts must be at least 0 and maxCaches at least 1, got "
                    + config.cacheAttempts() + " and " + config.maxCaches());
        }
        List<InetSocketAddress> addresses = DirectoryEndpoints.addresses(config.directories());
        List<DirectoryQueries> bootstrap = new ArrayList<>();
        for (DirectoryHttpClient client : clients(addresses.isEmpty() ? authorityAddresses() : addresses, timeout,
                HttpDirectoryQueries.MAX_RESPONSE_BYTES, false)) {
            bootstrap.add(new HttpDirectoryQueries(client));
        }
        this.caches = new KnownCaches(config.maxCaches(), relay -> new HttpDirectoryQueries(cacheClient(relay, timeout,
                HttpDirectoryQueries.MAX_RESPONSE_BYTES, false)));
        this.clock = clock;
        this.tiers = new DirectoryTiers<>(this::cacheQueries, bootstrap, DirectoryQueries::name, config.cacheAttempts(),
                DirectorySchemeBase::servesNoDirectory, DirectoryTiers.DEFAULT_SKIP);
        this.sampler = clientRole(new MerkleRelaySampler(authorities(), tiers, new SecureRandom(), clock,
                new MerkleAnswerVerifier(RelayDescriptorParser.withSystemClock()), config.maxDraws()));
        // Every relay a verified answer proves is listed by a majority of the authorities: a cache to ask next.
        sampler.onVerifiedRelay(caches::learn);
        this.maxListedRelays = config.maxListedRelays();
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

    /** The relay caches to ask while a directory stream service is bound. */
    private List<DirectoryQueries> cacheQueries() {
        return directoryStreams() == null ? List.of() : caches.queries();
    }

    /** Relays proven by verified answers, kept as caches (whether or not streams are bound), for tests. */
    int knownCaches() {
        return caches.queries().size();
    }

    /** The sampler, for tests in this bundle. */
    MerkleRelaySampler merkleSampler() {
        return sampler;
    }

    /**
     * The relays of the role tree that stands for {@code flag} (docs/protocols/directory-merkle.md §4): HSDIR and
     * GUARD have their own trees, RUNNING and VALID are the MIDDLE tree (every listed relay); a leaf in a role's
     * tree is the authorities' statement that the relay carries the role's flags. Other flags have no tree.
     */
    @Override
    public CompletionStage<List<RelayDescriptor>> relaysWith(RelayFlag flag) {
        Objects.requireNonNull(flag, "flag");
        RelayRole role = switch (flag) {
            case HSDIR -> RelayRole.HSDIR;
            case GUARD -> RelayRole.GUARD;
            case RUNNING, VALID -> RelayRole.MIDDLE;
            default -> null;
        };
        if (role == null) {
            return CompletableFuture.failedFuture(new DirectoryException("the merkle header indexes no tree for "
                    + flag + " (only HSDIR, GUARD, and RUNNING/VALID as MIDDLE)"));
        }
        return sampler.relays(role, maxListedRelays);
    }

    @Override
    public DirectoryStatus status() {
        CompletableFuture<VerifiedHeader> h = sampler.header().toCompletableFuture();
        String sources = "; " + streamsDetail(cacheQueries().size(), tiers.skippedCaches(clock.instant())) + "; " + sampler.sources().summary() + "; "
                + sampler.badDirectories().size() + " directories marked bad";
        if (!h.isDone() || h.isCompletedExceptionally()) {
            return new DirectoryStatus(NAME, false, 0, Optional.empty(), "no verified header yet" + sources);
        }
        VerifiedHeader header = h.join();
        int relays = (int) header.index(RelayRole.MIDDLE).relayCount();
        return new DirectoryStatus(NAME, true, relays, Optional.of(header.header().validUntil()),
                "merkle header " + header.header() + " signed by " + header.signed().signatures().size()
                        + " authorities" + sources);
    }
}
