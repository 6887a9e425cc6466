package org.veilswarm.directory.authority.impl;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.crypto.Ed25519;
import org.veilswarm.crypto.Ed25519KeyPair;
import org.veilswarm.crypto.KeyFiles;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.veilswarm.api.directory.RelayReachabilityProbe;
import org.veilswarm.directory.authority.AuthorityHttpService;
import org.veilswarm.directory.authority.AuthorityLimits;
import org.veilswarm.directory.authority.DirectoryAuthority;
import org.veilswarm.directory.authority.FlagPolicy;
import org.veilswarm.directory.authority.TcpConnectProbe;
import org.veilswarm.directory.authority.VotingRound;
import org.veilswarm.directory.authority.VotingSchedule;
import org.veilswarm.directory.core.AuthoritySet;
import org.veilswarm.directory.core.RelayDescriptorParser;
import org.veilswarm.directory.http.DirectoryEndpoints;
import org.veilswarm.directory.http.DirectoryHttpClient;
import org.veilswarm.directory.http.DirectoryServerInitializer;
import org.veilswarm.directory.http.TcpDirectoryConnector;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;

/**
 * Runs a directory authority: serves the directory protocol on a TCP port and runs a voting round for every
 * period of the schedule (docs/protocols/directory-consensus.md §4). Registers no service: relays and
 * clients reach it over the network. A configuration change restarts it (no {@code modified} method).
 * Reachability is checked by the bound link-handshake probe ({@link RelayReachabilityProbe} with
 * {@code reachability.method=link-handshake}, registered by the onion transport), by TCP connect while none is
 * bound if {@code tcpReachabilityFallback} allows it (logged), or not at all.
 */
@Component(service = {}, immediate = true, configurationPid = DirectoryAuthorityComponent.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = DirectoryAuthorityComponent.Config.class)
public class DirectoryAuthorityComponent {
    /** Names of this component's threads (event loop, scheduler), so a stopped bundle can be checked for leftovers. */
    public static final String THREAD_PREFIX = "veilswarm-directory-authority";
    public static final String PID = "org.veilswarm.directory.authority";
    /** Framework property naming the node's data directory (set by the launcher). */
    static final String DATA_DIRECTORY_PROPERTY = "veilswarm.data.dir";

    @ObjectClassDefinition(id = PID, name = "Veilswarm directory authority",
            description = "Accepts relay descriptors, checks reachability, votes and signs the consensus.")
    public @interface Config {
        @AttributeDefinition(name = "Identity key file", required = false, description = "Absolute path of the "
                + "authority's Ed25519 secret seed (32 raw bytes, owner-only). Empty: the node's identity, "
                + "<veilswarm.data.dir>/keys/identity.ed25519.")
        String keyFile() default "";

        @AttributeDefinition(name = "Authorities", description = "Every authority, this one included: "
                + "<base64 key>@<host>:<port>.")
        String[] authorities();

        @AttributeDefinition(name = "Listen address")
        String listenAddress() default "127.0.0.1";

        @AttributeDefinition(name = "Port", min = "1", max = "65535")
        int port() default 9030;

        @AttributeDefinition(name = "Voting interval (s)", min = "1")
        int votingIntervalSeconds() default 3600;

        @AttributeDefinition(name = "Validity (s)", min = "1", description = "How long a consensus is valid "
                + "(at least the interval).")
        int validitySeconds() default 3 * 3600;

        @AttributeDefinition(name = "Phase (ms)", min = "1", description = "Time between voting, combining "
                + "and collecting signatures; two phases must fit in one interval.")
        int phaseMillis() default 60_000;

        @AttributeDefinition(name = "Probe timeout (ms)", min = "1")
        int probeTimeoutMillis() default 10_000;

        @AttributeDefinition(name = "STABLE after (s)")
        long stableUptimeSeconds() default 24 * 3600;

        @AttributeDefinition(name = "GUARD known for (s)")
        long guardMinKnownSeconds() default 8 * 24 * 3600;

        @AttributeDefinition(name = "HSDIR after (s)")
        long hsdirMinUptimeSeconds() default 96 * 3600;

        @AttributeDefinition(name = "FAST guarantee (B/s)")
        long fastGuarantee() default 100_000;

        @AttributeDefinition(name = "GUARD bandwidth guarantee (B/s)")
        long guardGuarantee() default 2_000_000;

        @AttributeDefinition(name = "Largest weight (B/s)")
        long maxWeight() default 1L << 30;

        @AttributeDefinition(name = "Rejected versions", required = false)
        String[] rejectedVersions() default {};

        @AttributeDefinition(name = "Descriptor maximum age (s)")
        long descriptorMaxAgeSeconds() default 48 * 3600;

        @AttributeDefinition(name = "TCP reachability fallback", description = "While no link-handshake probe "
                + "(the onion transport's) is bound, check relays by TCP connect only, which cannot tell a relay "
                + "from an impostor at its address (logged). Off: no relay is Running until a handshake probe is "
                + "bound.")
        boolean tcpReachabilityFallback() default true;

        @AttributeDefinition(name = "Relays held", min = "1", description = "Relay identities held at once; a new "
                + "identity beyond it is refused (FULL, HTTP 503).")
        int maxKnownRelays() default 10_000;

        @AttributeDefinition(name = "Relays per address", min = "1", description = "Relays listed per IP address "
                + "(loopback not counted).")
        int maxRelaysPerAddress() default 2;

        @AttributeDefinition(name = "Probes at once", min = "1")
        int maxConcurrentProbes() default 64;

        @AttributeDefinition(name = "Uploads per source", min = "1", description = "Descriptor uploads one source "
                + "address (IPv4 address, IPv6 /64) may make per upload interval; more get HTTP 429 RATE_LIMITED.")
        int uploadsPerSource() default 120;

        @AttributeDefinition(name = "Uploads per relay", min = "1", description = "Descriptor uploads for one relay "
                + "identity per upload interval, from any address; more get HTTP 429 RATE_LIMITED.")
        int uploadsPerIdentity() default 10;

        @AttributeDefinition(name = "Upload interval (s)", min = "1")
        int uploadIntervalSeconds() default 60;

        @AttributeDefinition(name = "Largest document (bytes)", min = "1024", description = "Cap on a vote or "
                + "signature set downloaded from another authority, compressed and inflated.")
        int maxDocumentBytes() default 64 * 1024 * 1024;
    }

    private final EventLoopGroup group = new NioEventLoopGroup(1,
            new io.netty.util.concurrent.DefaultThreadFactory(THREAD_PREFIX, true));
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, THREAD_PREFIX + "-rounds");
        t.setDaemon(true);
        return t;
    });
    private final DirectoryAuthority authority;
    private final VotingRound round;
    private final VotingSchedule schedule;
    private final Channel server;
    private final Clock clock = Clock.systemUTC();
    private final HandshakeOrTcpProbe probe;

    @Activate
    public DirectoryAuthorityComponent(BundleContext context, Config config) throws InterruptedException {
        Path keyFile = keyFile(context, config);
        Ed25519KeyPair key;
        try {
            key = Ed25519.keyPairFromSeed(KeyFiles.readSecret(keyFile, Ed25519.SEED_LENGTH));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the authority key " + keyFile, e);
        }
        List<DirectoryEndpoints.Authority> all = DirectoryEndpoints.authorities(config.authorities());
        AuthoritySet set = DirectoryEndpoints.authoritySet(all);
        RelayDescriptor.Key own = new RelayDescriptor.Key(key.publicKey());
        FlagPolicy policy = new FlagPolicy(Duration.ofSeconds(config.stableUptimeSeconds()),
                Duration.ofSeconds(config.guardMinKnownSeconds()), Duration.ofSeconds(config.hsdirMinUptimeSeconds()),
                config.fastGuarantee(), config.guardGuarantee(), config.maxWeight(),
                Set.copyOf(Arrays.asList(config.rejectedVersions())),
                Duration.ofSeconds(config.descriptorMaxAgeSeconds()));
        this.schedule = new VotingSchedule(Duration.ofSeconds(config.votingIntervalSeconds()),
                Duration.ofSeconds(config.validitySeconds()), Duration.ofMillis(config.phaseMillis()));
        this.probe = new HandshakeOrTcpProbe(config.tcpReachabilityFallback()
                ? new TcpConnectProbe(group, Duration.ofMillis(config.probeTimeoutMillis())) : null);
        this.authority = new DirectoryAuthority(key, set, policy, limitsOf(config),
                RelayDescriptorParser.withSystemClock(), probe, clock);
        List<DirectoryHttpClient> peers = new ArrayList<>();
        for (DirectoryEndpoints.Authority a : all) {
            if (!a.key().equals(own)) {
                peers.add(new DirectoryHttpClient(new TcpDirectoryConnector(group, a.address()),
                        schedule.phase(), config.maxDocumentBytes(), true));
            }
        }
        this.round = new VotingRound(authority, peers, scheduler);
        this.server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new DirectoryServerInitializer(List.of(new AuthorityHttpService(authority))))
                .bind(new InetSocketAddress(config.listenAddress(), config.port())).sync().channel();
        scheduleNext();
    }

    static AuthorityLimits limitsOf(Config config) {
        return new AuthorityLimits(config.maxKnownRelays(), config.maxRelaysPerAddress(), config.maxConcurrentProbes(),
                config.uploadsPerSource(), config.uploadsPerIdentity(),
                Duration.ofSeconds(config.uploadIntervalSeconds()));
    }

    /** The onion transport's link-handshake probe, when installed; bound after construction (DS 112.3.8.1). */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY,
            target = "(" + RelayReachabilityProbe.METHOD + "=" + RelayReachabilityProbe.LINK_HANDSHAKE + ")")
    void bindHandshakeProbe(RelayReachabilityProbe handshake) {
        probe.bind(handshake);
    }

    void unbindHandshakeProbe(RelayReachabilityProbe handshake) {
        probe.unbind(handshake);
    }

    /** Whether relays are checked by link handshake now, for tests in this bundle. */
    boolean checksByHandshake() {
        return probe.handshakeBound();
    }

    /** The configured key file, or the node identity's file under the data directory (the brief's layout). */
    static Path keyFile(BundleContext context, Config config) {
        if (!config.keyFile().isEmpty()) {
            return Path.of(config.keyFile());
        }
        String data = context == null ? null : context.getProperty(DATA_DIRECTORY_PROPERTY);
        if (data == null || data.isEmpty()) {
            throw new IllegalStateException("no keyFile configured and no " + DATA_DIRECTORY_PROPERTY
                    + " framework property to find the node identity");
        }
        return Path.of(data, "keys", "identity.ed25519");
    }

    private void scheduleNext() {
        Instant period = schedule.nextPeriod(clock.instant());
        long delay = Math.max(0, Duration.between(clock.instant(), schedule.roundStart(period)).toMillis());
        try {
            scheduler.schedule(() -> round.run(period, schedule.validUntil(period), schedule.phase())
                    .whenComplete((published, error) -> scheduleNext()), delay, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException stopped) {
            // Deactivated: no further rounds.
        }
    }

    @Deactivate
    void deactivate() {
        scheduler.shutdownNow();
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    }

    /** The engine, for tests in this bundle. */
    DirectoryAuthority authority() {
        return authority;
    }
}
