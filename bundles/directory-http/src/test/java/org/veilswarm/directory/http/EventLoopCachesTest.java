package org.veilswarm.directory.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.veilswarm.api.testing.NettyThreadCaches.construct;
import static org.veilswarm.api.testing.NettyThreadCaches.oursKeptAfter;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The directory client's and server's handlers, which run on the onion transport's event loops (directory streams),
 * leaves no class of this bundle in Netty's per-thread caches ({@link org.veilswarm.api.testing.NettyThreadCaches}):
 * an update of this bundle alone must not leave its revision on those threads.
 */
class EventLoopCachesTest {

    @Test
    void ourHandlersLeaveNoClassOfOursInNettysThreadCaches() throws Exception {
        assertEquals(List.of(), oursKeptAfter(() -> construct(
                "org.veilswarm.directory.http.DirectoryHttpClient$ResponseHandler", null, null,
                new java.util.concurrent.CompletableFuture<>())));
        assertEquals(List.of(), oursKeptAfter(() -> construct(
                "org.veilswarm.directory.http.DirectoryServerInitializer$Handler", List.of())));
    }
}
