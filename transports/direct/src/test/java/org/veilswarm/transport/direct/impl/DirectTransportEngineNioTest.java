package org.veilswarm.transport.direct.impl;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every test of {@link DirectTransportEngineTest} again on the JDK's NIO ({@code nativeTransport=false}), the I/O
 * the transport falls back to where Netty's native epoll transport does not load (other systems, other CPUs).
 */
@ExtendWith(NettyLeakCheck.class)
class DirectTransportEngineNioTest extends DirectTransportEngineTest {

    @Override
    DirectTransportSettings adjust(DirectTransportSettings s) {
        return new DirectTransportSettings(s.bindAddress(), s.advertisedHost(), s.workerThreads(),
                s.connectTimeoutMillis(), s.maxConnections(), s.acceptBacklog(), s.tcpKeepAlive(), s.allowedSources(),
                false, s.listenerPerLoop());
    }
}
