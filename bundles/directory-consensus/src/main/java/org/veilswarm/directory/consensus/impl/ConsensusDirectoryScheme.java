package org.veilswarm.directory.consensus.impl;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.veilswarm.api.directory.DirectoryScheme;
import org.veilswarm.api.directory.DirectoryStatus;
import org.veilswarm.api.directory.RelaySampler;
import org.veilswarm.api.directory.SignedRelayDescriptor;
import org.veilswarm.directory.consensus.ConsensusClient;
import org.veilswarm.directory.core.AuthoritySet;
import org.veilswarm.directory.core.RelayDescriptorParser;
import org.veilswarm.directory.core.VerifiedConsensus;
import org.veilswarm.directory.http.DirectoryEndpoints;
import org.veilswarm.directory.http.DirectoryHttpClient;
import org.veilswarm.directory.http.DirectoryMirror;
import org.veilswarm.directory.http.DirectoryPaths;
import org.veilswarm.directory.http.DirectoryServerInitializer;
import org.veilswarm.directory.http.Quorum;
import org.veilswarm.directory.http.TcpDirectoryConnector;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;

/**
 * The {@code consensus} scheme as a {@link DirectoryScheme} service ({@code directory.scheme=consensus}).
 * Configuration is required (there is no default authority set). Streams are plain TCP to the configured
 * addresses for now; BEGIN_DIR streams plug in as another {@code DirectoryConnector}.
 */
@Component(service = DirectoryScheme.class, configurationPid = ConsensusDirectoryScheme.PID,
        configurationPolicy = org.osgi.service.component.annotations.ConfigurationPolicy.REQUIRE,
        property = DirectoryScheme.SCHEME + "=" + ConsensusDirectoryScheme.NAME)
@Designate(ocd = ConsensusDirectoryScheme.Config.class)
public class ConsensusDirectoryScheme implements DirectoryScheme {
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

        @AttributeDefinition(name = "Directory servers", required = false, description = "<host>:<port> of "
                + "directory caches to download from; empty: the authorities.")
        String[] directories() default {};

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

    private final EventLoopGroup group = new NioEventLoopGroup(1,
            new io.netty.util.concurrent.DefaultThreadFactory(THREAD_PREFIX, true));
    private final AuthoritySet authorities;
    private final List<DirectoryHttpClient> authorityClients = new ArrayList<>();
    private final ConsensusClient client;
    private final Optional<DirectoryMirror> mirror;
    private final Clock clock = Clock.systemUTC();

    @Activate
    public ConsensusDirectoryScheme(Config config) {
        List<DirectoryEndpoints.Authority> configured = DirectoryEndpoints.authorities(config.authorities());
        this.authorities = DirectoryEndpoints.authoritySet(configured);
        Duration timeout = Duration.ofMillis(config.timeoutMillis());
        for (DirectoryEndpoints.Authority a : configured) {
            authorityClients.add(new DirectoryHttpClient(new TcpDirectoryConnector(group, a.address()), timeout,
                    config.maxListBytes(), true));
        }
        List<DirectoryHttpClient> directories = new ArrayList<>();
        for (var address : DirectoryEndpoints.addresses(config.directories())) {
            directories.add(new DirectoryHttpClient(new TcpDirectoryConnector(group, address), timeout,
                    config.maxListBytes(), true));
        }
        // The list's bytes are majority-signed and every authority checked each relay signature on upload:
        // checking 10,000 relay signatures again would cost the client seconds (directory-consensus.md §6).
        RelayDescriptorParser parser = RelayDescriptorParser.vouchedForByAuthorities();
        this.client = new ConsensusClient(authorities, directories.isEmpty() ? authorityClients : directories,
                parser, clock, new SecureRandom(), ConsensusClient.DEFAULT_MAX_DRAWS);
        this.mirror = config.serveDirectory()
                ? Optional.of(new DirectoryMirror(authorities, authorityClients, parser, clock)) : Optional.empty();
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
        return client;
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
        Optional<VerifiedConsensus> c = client.cached();
        if (c.isEmpty()) {
            return new DirectoryStatus(NAME, false, 0, Optional.empty(), "no verified consensus yet ("
                    + client.badDirectories().size() + " directories marked bad)");
        }
        Instant until = c.get().document().validUntil();
        return new DirectoryStatus(NAME, true, c.get().entries().size(), Optional.of(until),
                "consensus of " + c.get().entries().size() + " relays signed by "
                        + c.get().signed().signatures().size() + " authorities");
    }

    /** The client, for tests in this bundle. */
    ConsensusClient client() {
        return client;
    }
}
