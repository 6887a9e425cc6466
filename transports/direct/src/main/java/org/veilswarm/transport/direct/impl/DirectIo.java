package org.veilswarm.transport.direct.impl;

import java.util.concurrent.ThreadFactory;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/**
 * Which Netty I/O the direct transport runs on: Netty's native epoll transport where it loads (Linux with the
 * {@code netty-transport-native-epoll} library: in OSGi the {@code linux-x86_64} fragment of
 * {@code io.netty.transport-classes-epoll}), otherwise the JDK's NIO. Epoll costs fewer system calls per
 * connection than NIO's selector (no {@code epoll_ctl} delete on close, socket options set directly, edge
 * triggering) and lets every event loop accept on its own {@code SO_REUSEPORT} socket; for a tracker, whose
 * clients open one connection per announce, that per-connection cost is most of the work.
 *
 * @param epoll whether this is the native epoll transport
 * @param why a sentence for the log: which I/O and, for NIO, why not epoll
 */
record DirectIo(boolean epoll, String why) {

    /**
     * Picks the I/O: epoll if {@code nativeAllowed} and it is available, else NIO.
     *
     * @param nativeAllowed false forces NIO (the {@code nativeTransport} setting)
     */
    static DirectIo choose(boolean nativeAllowed) {
        if (!nativeAllowed) {
            return new DirectIo(false, "NIO (nativeTransport=false)");
        }
        if (Epoll.isAvailable()) {
            return new DirectIo(true, "native epoll");
        }
        Throwable cause = Epoll.unavailabilityCause();
        return new DirectIo(false, "NIO, because the native epoll transport is unavailable here ("
                + (cause == null ? "no reason given" : cause.getClass().getSimpleName() + ": " + cause.getMessage())
                + ")");
    }

    EventLoopGroup newEventLoopGroup(int threads, ThreadFactory threadFactory) {
        return epoll ? new EpollEventLoopGroup(threads, threadFactory) : new NioEventLoopGroup(threads, threadFactory);
    }

    Class<? extends ServerChannel> serverChannelType() {
        return epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    Class<? extends Channel> socketChannelType() {
        return epoll ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    /** The name operators read: "epoll" or "nio". */
    String name() {
        return epoll ? "epoll" : "nio";
    }
}
