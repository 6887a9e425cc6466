package org.veilswarm.directory.merkle.impl;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.veilswarm.api.directory.DirectoryScheme;
import org.veilswarm.api.directory.DirectoryStatus;
import org.veilswarm.api.directory.RelayRole;
import org.veilswarm.api.directory.RelaySampler;
import org.veilswarm.api.directory.SignedRelayDescriptor;
import org.veilswarm.directory.core.AuthoritySet;
import org.veilswarm.directory.core.DirectoryQueries;
import org.veilswarm.directory.core.MerkleRelaySampler;
import org.veilswarm.directory.core.RelayDescriptorParser;
import org.veilswarm.directory.core.VerifiedHeader;
import org.veilswarm.directory.http.DirectoryEndpoints;
import org.veilswarm.directory.http.DirectoryHttpClient;
import org.veilswarm.directory.http.DirectoryMirror;
import org.veilswarm.directory.http.DirectoryPaths;
import org.veilswarm.directory.http.DirectoryServerInitializer;
import org.veilswarm.directory.http.HttpDirectoryQueries;
import org.veilswarm.directory.http.Quorum;
import org.veilswarm.directory.http.TcpDirectoryConnector;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;

/**
 * The {@code merkle} scheme as a {@link DirectoryScheme} service ({@code directory.scheme=merkle}): the
 * sampler is {@link MerkleRelaySampler} over {@link HttpDirectoryQueries}, one per configured directory.
 * Configuration is required (there is no default authority set).
 */
@Component(service = DirectoryScheme.class, configurationPid = MerkleDirectoryScheme.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE,
        property = DirectoryScheme.SCHEME + "=" + MerkleDirectoryScheme.NAME)
@Designate(ocd = MerkleDirectoryScheme.Config.class)
public class MerkleDirectoryScheme implements DirectoryScheme {
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

        @AttributeDefinition(name = "Directory servers", required = false, description = "<host>:<port> of "
                + "directories to ask find; empty: the authorities.")
        String[] directories() default {};

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
    }

    private final EventLoopGroup group = new NioEventLoopGroup(1,
            new io.netty.util.concurrent.DefaultThreadFactory(THREAD_PREFIX, true));
    private final AuthoritySet authorities;
    private final List<DirectoryHttpClient> authorityClients = new ArrayList<>();
    private final MerkleRelaySampler sampler;
    private final Optional<DirectoryMirror> mirror;

    @Activate
    public MerkleDirectoryScheme(Config config) {
        List<DirectoryEndpoints.Authority> configured = DirectoryEndpoints.authorities(config.authorities());
        this.authorities = DirectoryEndpoints.authoritySet(configured);
        Duration timeout = Duration.ofMillis(config.timeoutMillis());
        for (DirectoryEndpoints.Authority a : configured) {
            // The authorities also serve the list to mirrors: allow a large body for them.
            authorityClients.add(new DirectoryHttpClient(new TcpDirectoryConnector(group, a.address()), timeout,
                    64 * 1024 * 1024, true));
        }
        List<DirectoryQueries> directories = new ArrayList<>();
        List<java.net.InetSocketAddress> addresses = DirectoryEndpoints.addresses(config.directories());
        if (addresses.isEmpty()) {
            configured.forEach(a -> addresses.add(a.address()));
        }
        for (var address : addresses) {
            directories.add(new HttpDirectoryQueries(new DirectoryHttpClient(new TcpDirectoryConnector(group, address),
                    timeout, HttpDirectoryQueries.MAX_RESPONSE_BYTES, false)));
        }
        Clock clock = Clock.systemUTC();
        RelayDescriptorParser parser = RelayDescriptorParser.withSystemClock();
        this.sampler = new MerkleRelaySampler(authorities, directories, new SecureRandom(), clock, parser,
                config.maxDraws());
        this.mirror = config.serveDirectory()
                ? Optional.of(new DirectoryMirror(authorities, authorityClients,
                        RelayDescriptorParser.vouchedForByAuthorities(), clock)) : Optional.empty();
        mirror.ifPresent(m -> group.scheduleAtFixedRate(m::refresh, 0, config.mirrorRefreshSeconds(),
                TimeUnit.SECONDS));
    }

    @Deactivate
    void deactivate() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public RelaySampler sampler() {
        return sampler;
    }

    @Override
    public CompletionStage<Void> publish(SignedRelayDescriptor descriptor) {
        return Quorum.post(authorityClients, DirectoryPaths.DESCRIPTOR, descriptor.document(), authorities.required());
    }

    @Override
    public Optional<ChannelInitializer<Channel>> directoryService() {
        return mirror.map(m -> new DirectoryServerInitializer(List.of(m.service())));
    }

    @Override
    public DirectoryStatus status() {
        CompletableFuture<VerifiedHeader> h = sampler.header().toCompletableFuture();
        if (!h.isDone() || h.isCompletedExceptionally()) {
            return new DirectoryStatus(NAME, false, 0, Optional.empty(), "no verified header yet ("
                    + sampler.badDirectories().size() + " directories marked bad)");
        }
        VerifiedHeader header = h.join();
        int relays = (int) header.index(RelayRole.MIDDLE).relayCount();
        return new DirectoryStatus(NAME, true, relays, Optional.of(header.header().validUntil()),
                "merkle header " + header.header() + " signed by " + header.signed().signatures().size()
                        + " authorities");
    }
}
