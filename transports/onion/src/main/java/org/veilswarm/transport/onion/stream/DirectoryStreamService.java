package org.veilswarm.transport.onion.stream;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * What a directory cache offers to the onion transport: the pipeline for one BEGIN_DIR stream (tor-spec
 * §6.2). Whoever serves the directory (the directory bundles, which sit above this transport) registers
 * it as an OSGi service; the transport's relay then answers BEGIN_DIR with it instead of END NOTDIRECTORY.
 * Declared here so the transport never depends on the directory bundles (see docs/protocols/onion-streams.md).
 */
@ConsumerType
public interface DirectoryStreamService {

    /** Sets up each accepted directory stream; shared between streams, so {@code @Sharable} as any initializer. */
    ChannelInitializer<Channel> directoryStreamInitializer();
}
