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
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.veilswarm.api.directory.DirectoryScheme;
import org.veilswarm.api.directory.DirectoryStatus;
import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.api.directory.RelayFlag;
import org.veilswarm.api.directory.RelayList;
import org.veilswarm.directory.consensus.ConsensusClient;
import org.veilswarm.directory.core.ConsensusEntry;
import org.veilswarm.directory.core.RelayDescriptorParser;
import org.veilswarm.directory.core.VerifiedConsensus;
import org.veilswarm.directory.http.DirectoryEndpoints;
import org.veilswarm.directory.http.DirectoryHttpClient;
import org.veilswarm.directory.http.DirectorySchemeBase;

/**
 * The {@code consensus} scheme as a {@link DirectoryScheme} service ({@code directory.scheme=consensus}), also
 * offering the verified list as a {@link RelayList} (the onion-service HSDir ring). Configuration is required
 * (there is no default authority set). Streams are plain TCP to the configured addresses; the wiring shared with
 * the merkle scheme is {@link DirectorySchemeBase}.
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

    private final ConsensusClient client;
    private final Clock clock = Clock.systemUTC();

    @Activate
    public ConsensusDirectoryScheme(Config config) {
        super(NAME, THREAD_PREFIX, config.authorities(), Duration.ofMillis(config.timeoutMillis()), config.serveDirectory(),
                Duration.ofSeconds(config.mirrorRefreshSeconds()));
        Duration timeout = Duration.ofMillis(config.timeoutMillis());
        List<java.net.InetSocketAddress> configured = DirectoryEndpoints.addresses(config.directories());
        List<DirectoryHttpClient> directories = clients(configured.isEmpty() ? authorityAddresses() : configured,
                timeout, config.maxListBytes(), true);
        // The list's bytes are majority-signed and every authority checked each relay signature on upload:
        // checking 10,000 relay signatures again would cost the client seconds (directory-consensus.md §6).
        this.client = clientRole(new ConsensusClient(authorities(), directories,
                RelayDescriptorParser.vouchedForByAuthorities(), clock, new SecureRandom(),
                ConsensusClient.DEFAULT_MAX_DRAWS));
    }

    @Deactivate
    void deactivate() {
        close();
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
