package org.veilswarm.peerwire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.veilswarm.api.testing.NettyThreadCaches.oursKeptAfter;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The peer wire encoder, which the swarm's peer connections run on a transport's event loops,
 * leaves no class of this bundle in Netty's per-thread caches ({@link org.veilswarm.api.testing.NettyThreadCaches}):
 * an update of this bundle alone must not leave its revision on those threads.
 */
class EventLoopCachesTest {

    @Test
    void ourHandlersLeaveNoClassOfOursInNettysThreadCaches() throws Exception {
        assertEquals(List.of(), oursKeptAfter(PeerMessageEncoder::new));
    }
}
