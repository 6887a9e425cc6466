package org.veilswarm.api.directory;

import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ConsumerType;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;

/**
 * Opens directory streams to relays acting as directory caches, so that clients fetch the directory from relays
 * rather than from the authorities (dir-spec §4: clients download from caches; the authorities and configured
 * fallbacks only for bootstrapping). A transport registers one as a service with {@value #METHOD} naming how it
 * reaches a relay: the onion transport opens a one-hop circuit with the ntor handshake to the relay and a
 * RELAY_BEGIN_DIR stream on it (tor-spec §5.1.4, §6.2), which also proves the relay's identity (its CERTS cell,
 * tor-spec §4.2). Declared here, transport-neutral, so directory schemes never depend on a transport.
 *
 * <p>A stream carries no more trust than the relay: whatever a cache answers is verified by the scheme
 * (authority signatures, Merkle proofs) before it is used.
 */
@ConsumerType
public interface DirectoryStreams {

    /** Service property naming how streams reach a relay, for example {@value #BEGIN_DIR}. */
    String METHOD = "directory.streams.method";

    /** {@link #METHOD} of streams opened by RELAY_BEGIN_DIR on a one-hop circuit (tor-spec §6.2). */
    String BEGIN_DIR = "begin-dir";

    /**
     * Opens a directory stream to {@code relay} (its identity, ntor onion key and first OR address) whose
     * pipeline {@code initializer} sets up; completes when the stream is open, or fails with the reason (the
     * relay is unreachable, is not who the descriptor names, or does not serve directory streams). Never blocks
     * the caller.
     */
    CompletionStage<Channel> open(RelayDescriptor relay, ChannelInitializer<Channel> initializer);
}
