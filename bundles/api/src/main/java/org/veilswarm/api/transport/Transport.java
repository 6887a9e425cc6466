package org.veilswarm.api.transport;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ConsumerType;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;

/**
 * A way to carry streams between nodes: native onion circuits, an external C tor, plain TCP, and later
 * mixnets. Implemented by transport plugins, which compile against this API alone and register the
 * implementation as a service with {@value #SCHEME} set (for example {@code transport.scheme=onion}).
 *
 * <p>Implementations must not block the caller: network operations complete asynchronously, and their
 * failures complete the stage exceptionally with a {@link TransportException} whose
 * {@link TransportException#reason()} says what went wrong. Invalid arguments (null, a port out of range)
 * throw at once. Cancelling the stage's {@code toCompletableFuture()} aborts an attempt still in progress.
 */
@ConsumerType
public interface Transport {

    /** Service property naming the transport scheme: {@code onion}, {@code tor}, {@code direct}, ... */
    String SCHEME = "transport.scheme";

    /** What this transport is and, above all, how anonymous it is. */
    TransportInfo info();

    /** Whether this transport can connect to {@code address} at all (for example: direct cannot reach onion names). */
    boolean canReach(TransportAddress address);

    /**
     * Starts accepting streams for {@code key} on virtual port {@code port}. Each accepted stream is a new
     * channel initialised by {@code childInitializer}.
     *
     * <p>Anonymous transports publish an onion service under {@code key}'s address; the direct transport
     * ignores the key (which may then be {@code null}) and binds a TCP port on its configured address, so on
     * direct two listeners on the same port collide even under different keys.
     *
     * @param key the service identity to publish under
     * @param port the port peers connect to (1-65535), or 0 where the transport may choose one
     * @param childInitializer sets up the pipeline of each accepted stream
     * @return completes once peers can reach the listener
     */
    CompletionStage<Listener> listen(ServiceKey key, int port, ChannelInitializer<Channel> childInitializer);

    /**
     * Opens a stream to {@code to}. The returned channel is active, with its pipeline set up by
     * {@code initializer} before any data flows.
     */
    CompletionStage<Channel> connect(TransportAddress to, ChannelInitializer<Channel> initializer);

    /**
     * {@link #listen(ServiceKey, int, ChannelInitializer)} with options: {@link ListenOptions#authorizedClients()}
     * publishes an onion service that only the holders of those clients' secret keys can reach (rend-spec-v3
     * §2.5.1.2). A transport that cannot do what {@code options} ask fails the stage with
     * {@link TransportException.Reason#UNSUPPORTED_OPTION} rather than publish a service more open than asked;
     * that is what this default does unless the options are {@link ListenOptions#PUBLIC}.
     *
     * @since 1.3
     */
    default CompletionStage<Listener> listen(ServiceKey key, int port, ChannelInitializer<Channel> childInitializer,
            ListenOptions options) {
        Objects.requireNonNull(options, "options");
        if (!options.clientAuthorization()) {
            return listen(key, port, childInitializer);
        }
        return CompletableFuture.failedStage(new TransportException(TransportException.Reason.UNSUPPORTED_OPTION,
                "the " + info().scheme() + " transport does not support onion service client authorization"));
    }

    /**
     * {@link #connect(TransportAddress, ChannelInitializer)} with options: {@link ConnectOptions#clientAuthKey()}
     * opens the descriptor of a service with client authorization. A transport that cannot use the options fails
     * the stage with {@link TransportException.Reason#UNSUPPORTED_OPTION}, as this default does unless they are
     * {@link ConnectOptions#NONE}.
     *
     * @since 1.3
     */
    default CompletionStage<Channel> connect(TransportAddress to, ChannelInitializer<Channel> initializer,
            ConnectOptions options) {
        Objects.requireNonNull(options, "options");
        if (options.clientAuthKey().isEmpty()) {
            return connect(to, initializer);
        }
        return CompletableFuture.failedStage(new TransportException(TransportException.Reason.UNSUPPORTED_OPTION,
                "the " + info().scheme() + " transport does not support onion service client authorization"));
    }

    /**
     * Whether {@link #listen(ServiceKey, int, ChannelInitializer, ListenOptions)} and
     * {@link #connect(TransportAddress, ChannelInitializer, ConnectOptions)} take client authorization keys.
     *
     * @since 1.3
     */
    default boolean supportsClientAuthorization() {
        return false;
    }

    /**
     * Remembers {@code key} for every later connect to {@code service} on this transport, whoever asks (as C tor's
     * {@code ONION_CLIENT_AUTH_ADD} does): the way to reach a service with client authorization through code that
     * connects without options, such as a swarm engine dialling peers. A key passed in {@link ConnectOptions} takes
     * precedence. Replaces an earlier key for the service.
     *
     * @return whether the transport keeps the key; {@code false} (the default) where it has no client authorization
     * @since 1.3
     */
    default boolean addClientAuthorization(org.veilswarm.api.node.OnionAddress service, ClientAuthSecretKey key) {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(key, "key");
        return false;
    }

    /**
     * Forgets the key {@link #addClientAuthorization} kept for {@code service}, if any.
     *
     * @since 1.3
     */
    default void removeClientAuthorization(org.veilswarm.api.node.OnionAddress service) {
        Objects.requireNonNull(service, "service");
    }

    /**
     * Bytes and cells this transport forwarded for other nodes, per epoch, for share-ratio accounting.
     * Transports that never relay return {@link RelayCounters#NONE}.
     */
    RelayCounters relayCounters();

    /**
     * The transport's circuits now: open ones of this node and of others it relays, and build totals. Empty
     * for transports without circuits or that cannot count them (the default), which the console shows as
     * "not reported", never as zero. Must not block: implementations answer from counters they keep.
     *
     * @since 1.2
     */
    default Optional<CircuitCounts> circuitCounts() {
        return Optional.empty();
    }

    /**
     * What the transport's own onion services did: services and connections now, introductions accepted and
     * refused by reason, failed rendezvous, and this node's connects to onion services by outcome. Empty for
     * transports that run no onion services of their own or cannot see inside them (the default), which the
     * console shows as "not reported". Must not block.
     *
     * @since 1.4
     */
    default Optional<ServiceCounts> serviceCounts() {
        return Optional.empty();
    }
}
