package org.veilswarm.directory.http;

import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ConsumerType;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;

/**
 * Opens streams to one directory server: a TCP connection ({@link TcpDirectoryConnector}), a direct-transport
 * stream, or a BEGIN_DIR stream on a circuit to a relay (tor-spec §6.2).
 */
@ConsumerType
public interface DirectoryConnector {

    /** A name for logs and for the client's bad-directory list. */
    String name();

    /** Opens a stream whose pipeline {@code initializer} sets up; completes when it is active. */
    CompletionStage<Channel> connect(ChannelInitializer<Channel> initializer);
}
