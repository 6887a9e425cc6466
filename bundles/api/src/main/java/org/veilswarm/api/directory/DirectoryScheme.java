package org.veilswarm.api.directory;

import java.util.Optional;
import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ConsumerType;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;

/**
 * A directory scheme: how relays become known and verifiable. Registered as a service with
 * {@value #SCHEME} set ({@code consensus}, {@code merkle}, ...); the active one is chosen by
 * configuration and may change while the node runs (new circuits use the new scheme; running circuits
 * are unaffected).
 */
@ConsumerType
public interface DirectoryScheme {

    /** Service property naming the scheme. */
    String SCHEME = "directory.scheme";

    /** The scheme's name, equal to the {@link #SCHEME} service property. */
    String name();

    /** Client role: verified, bandwidth-weighted relay picks. */
    RelaySampler sampler();

    /**
     * Relay role: publish this node's own signed descriptor to the authorities. Completes when a majority
     * of them accepted it.
     */
    CompletionStage<Void> publish(SignedRelayDescriptor descriptor);

    /**
     * Cache role: sets up a directory stream (for example one opened by BEGIN_DIR, tor-spec §6.2) to answer
     * directory requests, or empty if this node does not serve the directory.
     */
    Optional<ChannelInitializer<Channel>> directoryService();

    /** What the scheme knows right now. */
    DirectoryStatus status();
}
