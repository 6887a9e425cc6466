package org.veilswarm.directory.http;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import org.veilswarm.api.directory.DirectoryScheme;
import org.veilswarm.api.directory.DirectoryStreams;
import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.api.directory.RelaySampler;
import org.veilswarm.api.directory.SignedRelayDescriptor;
import org.veilswarm.directory.core.AuthoritySet;
import org.veilswarm.directory.core.RelayDescriptorParser;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * What every directory scheme's DS component does alike: one event-loop thread named after the scheme, the
 * configured authorities and an HTTP client for each, descriptor publication to a strict majority of them
 * (docs/protocols/directory-consensus.md §5), and the cache role (a {@link DirectoryMirror} refreshed on a
 * schedule and served on directory streams, {@link #directoryService()}). Subclasses add the client role
 * (the sampler they hand to {@link #clientRole}, and {@link #status()}) and call {@link #close()} when
 * deactivated. Clients bootstrap from the configured directories over TCP and, once they hold a verified
 * directory and a {@link DirectoryStreams} service is bound ({@link #streamsBound}), ask the relay caches that
 * directory names ({@link #cacheClient}; docs/protocols/directory-consensus.md §5.1).
 */
public abstract class DirectorySchemeBase implements DirectoryScheme {
    private static final System.Logger LOG = System.getLogger("org.veilswarm.directory.client");
    /** Largest body accepted from an authority: the full list, which mirrors download. */
    public static final int MAX_AUTHORITY_RESPONSE = 64 * 1024 * 1024;

    private final String name;
    private final EventLoopGroup group;
    private final AuthoritySet authorities;
    private final List<DirectoryEndpoints.Authority> configured;
    private final List<DirectoryHttpClient> authorityClients = new ArrayList<>();
    private final Optional<DirectoryMirror> mirror;
    private final Optional<ChannelInitializer<Channel>> directoryService;
    private volatile RelaySampler sampler;
    private volatile DirectoryStreams streams;

    /**
     * @param name the scheme's name, equal to its {@value DirectoryScheme#SCHEME} service property
     * @param threadPrefix name of the scheme's thread (so a stopped bundle can be checked for leftovers)
     * @param authorities each {@code <base64 Ed25519 key>@<host>:<port>}
     * @param timeout bound on each request to an authority
     * @param mirror whether this node serves the directory: then the list and header are mirrored from the
     *        authorities every {@code mirrorRefresh}, starting at once
     */
    protected DirectorySchemeBase(String name, String threadPrefix, String[] authorities, Duration timeout,
            boolean mirror, Duration mirrorRefresh) {
        this.name = Objects.requireNonNull(name, "name");
        this.group = new NioEventLoopGroup(1, new DefaultThreadFactory(threadPrefix, true));
        try {
            this.configured = DirectoryEndpoints.authorities(authorities);
            this.authorities = DirectoryEndpoints.authoritySet(configured);
            for (DirectoryEndpoints.Authority a : configured) {
                authorityClients.add(new DirectoryHttpClient(new TcpDirectoryConnector(group, a.address()), timeout,
                        MAX_AUTHORITY_RESPONSE, true));
            }
        } catch (RuntimeException badConfiguration) {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw badConfiguration;
        }
        // A cache holds the majority-signed list, whose relay signatures every authority checked on upload.
        this.mirror = mirror ? Optional.of(new DirectoryMirror(this.authorities, authorityClients,
                RelayDescriptorParser.vouchedForByAuthorities(), Clock.systemUTC())) : Optional.empty();
        this.directoryService = this.mirror.map(m -> new DirectoryServerInitializer(List.of(m.service())));
        this.mirror.ifPresent(m -> group.scheduleAtFixedRate(m::refresh, 0, mirrorRefresh.toMillis(),
                TimeUnit.MILLISECONDS));
    }

    @Override
    public final String name() {
        return name;
    }

    /** The client role's sampler; the subclass's constructor sets it ({@link #clientRole}). */
    @Override
    public final RelaySampler sampler() {
        RelaySampler s = sampler;
        if (s == null) {
            throw new IllegalStateException("the " + name + " scheme has no client role yet");
        }
        return s;
    }

    /** Sets the sampler {@link #sampler()} returns; returns it, for the subclass's own field. */
    protected final <S extends RelaySampler> S clientRole(S clientSampler) {
        this.sampler = Objects.requireNonNull(clientSampler, "clientSampler");
        return clientSampler;
    }

    /** The scheme's event loop, for the client's connectors. */
    protected final EventLoopGroup group() {
        return group;
    }

    protected final AuthoritySet authorities() {
        return authorities;
    }

    /** The authorities' addresses, in configuration order. */
    protected final List<InetSocketAddress> authorityAddresses() {
        return configured.stream().map(DirectoryEndpoints.Authority::address).toList();
    }

    protected final List<DirectoryHttpClient> authorityClients() {
        return authorityClients;
    }

    /** An HTTP client over TCP for each {@code <host>:<port>} (empty array: none). */
    protected final List<DirectoryHttpClient> clients(List<InetSocketAddress> addresses, Duration timeout,
            int maxResponseBytes, boolean gzip) {
        List<DirectoryHttpClient> clients = new ArrayList<>();
        for (InetSocketAddress address : addresses) {
            clients.add(new DirectoryHttpClient(new TcpDirectoryConnector(group, address), timeout, maxResponseBytes,
                    gzip));
        }
        return clients;
    }

    /**
     * A directory stream service came (the onion transport's BEGIN_DIR on one-hop circuits): the client asks the
     * relay caches its verified directory names from now on. The scheme's DS bind method calls it.
     */
    protected final void streamsBound(DirectoryStreams service) {
        this.streams = Objects.requireNonNull(service, "service");
        LOG.log(System.Logger.Level.INFO, () -> name + ": directory streams bound; relay caches will be asked first");
    }

    /** The service went (a greedy replacement binds the new one first: only the current one is dropped). */
    protected final void streamsUnbound(DirectoryStreams service) {
        if (streams == service) {
            streams = null;
            LOG.log(System.Logger.Level.INFO, () -> name + ": no directory stream service; asking the bootstrap "
                    + "directories only");
        }
    }

    /** The directory stream service bound now, or null. */
    protected final DirectoryStreams directoryStreams() {
        return streams;
    }

    /**
     * An HTTP client to {@code relay} acting as a directory cache, over the directory stream service bound at
     * the time of each request ({@link RelayCacheConnector}).
     */
    protected final DirectoryHttpClient cacheClient(RelayDescriptor relay, Duration timeout, int maxResponseBytes,
            boolean gzip) {
        return new DirectoryHttpClient(new RelayCacheConnector(this::directoryStreams, relay), timeout,
                maxResponseBytes, gzip);
    }

    /** One line on where documents come from now, for the scheme's status. */
    protected final String streamsDetail(int cachesKnown, int cachesSkipped) {
        return streams == null ? "no directory stream service bound: bootstrap directories only"
                : "directory streams bound, " + cachesKnown + " relay caches known (" + cachesSkipped
                        + " skipped for answering nothing)";
    }

    /**
     * Whether a failed request says the relay serves no directory: the stream was refused or closed unanswered,
     * or the relay was not reached; not an HTTP error status (a cache that has no document for the request yet).
     */
    public static boolean servesNoDirectory(Throwable error) {
        Throwable e = error;
        while (e instanceof java.util.concurrent.CompletionException && e.getCause() != null) {
            e = e.getCause();
        }
        return !(e instanceof DirectoryHttpException h && h.status() > 0);
    }

    /** Relay role: uploads the descriptor to every authority; completes when a strict majority accepted it. */
    @Override
    public CompletionStage<Void> publish(SignedRelayDescriptor descriptor) {
        Objects.requireNonNull(descriptor, "descriptor");
        return Quorum.post(authorityClients, DirectoryPaths.DESCRIPTOR, descriptor.document(), authorities.required());
    }

    /** Cache role: one shared initializer for every directory stream (TCP or BEGIN_DIR), while mirroring. */
    @Override
    public Optional<ChannelInitializer<Channel>> directoryService() {
        return directoryService;
    }

    /** The mirror, when this node serves the directory. */
    protected final Optional<DirectoryMirror> mirror() {
        return mirror;
    }

    /** Stops the refreshes and the event loop; the scheme's DS deactivate method calls it. */
    protected void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    }
}
