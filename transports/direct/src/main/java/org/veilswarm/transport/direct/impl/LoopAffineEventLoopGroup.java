package org.veilswarm.transport.direct.impl;

import java.util.concurrent.ThreadFactory;

import io.netty.channel.EventLoop;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.EventExecutor;

/**
 * NIO event loops whose {@link #next()} is the caller's own loop when called from one of them, and the usual
 * round robin otherwise.
 *
 * <p>Why: a server channel registered on one of these loops accepts there, and Netty's acceptor registers each
 * accepted channel with {@code childGroup.next()}, called on the accepting loop, so the new stream stays on the
 * thread that accepted it. Accepting and serving a short connection then take one thread and one wake-up,
 * where a separate acceptor thread handing connections to I/O loops costs a second wake-up and a cross-thread
 * registration per connection (docs/performance.md, "Tracker announces"). Listeners themselves are spread
 * over the loops round robin; so are connections opened from threads that are not loops.
 */
final class LoopAffineEventLoopGroup extends NioEventLoopGroup {
    LoopAffineEventLoopGroup(int threads, ThreadFactory threadFactory) {
        super(threads, threadFactory);
    }

    @Override
    public EventLoop next() {
        for (EventExecutor loop : this) {
            if (loop.inEventLoop()) {
                return (EventLoop) loop;
            }
        }
        return super.next();
    }
}
