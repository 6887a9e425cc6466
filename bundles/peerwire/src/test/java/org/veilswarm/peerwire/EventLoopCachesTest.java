package org.veilswarm.peerwire;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import io.netty.util.concurrent.FastThreadLocalThread;
import io.netty.util.internal.InternalThreadLocalMap;

/**
 * The peer wire encoder, which the swarm's peer connections run on event loops of another bundle (a transport's). Netty caches type matchers in each event loop's
 * thread locals, keyed by a class: by the handler's class when the handler names its message type only as a type
 * argument, by the message type when it passes that. A class of this bundle as a key would keep this bundle's retired
 * revision for as long as the transport's threads live, after an update of this bundle alone (docs/performance.md,
 * "Node memory", session 16). Constructing them on a thread of Netty's kind must leave no key of ours.
 */
class EventLoopCachesTest {

    @Test
    void ourHandlersLeaveNoClassOfOursInNettysThreadCaches() throws Exception {
        assertEquals(List.of(), oursKeptAfter(PeerMessageEncoder::new));
    }

    /** Classes of ours among the matcher caches' keys of a fresh event-loop-like thread after {@code construct}. */
    static List<String> oursKeptAfter(Callable<?> construct) throws Exception {
        List<String> kept = new CopyOnWriteArrayList<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread loop = new FastThreadLocalThread(() -> {
            try {
                construct.call();
                InternalThreadLocalMap locals = InternalThreadLocalMap.get();
                locals.typeParameterMatcherFindCache().keySet().forEach(c -> kept.add(c.getName()));
                locals.typeParameterMatcherGetCache().keySet().forEach(c -> kept.add(c.getName()));
            } catch (Exception | Error e) {
                failure.set(e);
            }
        });
        loop.start();
        loop.join();
        if (failure.get() != null) {
            throw new AssertionError("constructing the handler failed", failure.get());
        }
        return kept.stream().filter(name -> name.startsWith("org.veilswarm.")).toList();
    }

    static Object construct(String className, Object... arguments) throws Exception {
        java.lang.reflect.Constructor<?> c = Class.forName(className).getDeclaredConstructors()[0];
        c.setAccessible(true);
        return c.newInstance(arguments);
    }
}
