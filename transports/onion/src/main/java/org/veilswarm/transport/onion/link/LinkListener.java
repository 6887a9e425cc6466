package org.veilswarm.transport.onion.link;

import io.netty.channel.Channel;

/**
 * Told about each link's outcome. {@link #established} runs on the link's event loop before any
 * further cell is read: add the circuit layer's handlers to {@code link.channel().pipeline()} there
 * (with {@code addLast}), so no cell arriving right behind NETINFO is lost.
 */
@org.osgi.annotation.versioning.ConsumerType
public interface LinkListener {
    void established(Link link);

    /**
     * The handshake failed; the channel is already closing. {@code channel} is {@code null} when no
     * TCP connection could be opened ({@link LinkHandshakeException.Reason#CONNECT_FAILED}).
     */
    default void failed(Channel channel, LinkHandshakeException failure) {
    }
}
