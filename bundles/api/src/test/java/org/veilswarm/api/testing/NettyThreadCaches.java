package org.veilswarm.api.testing;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import io.netty.util.concurrent.FastThreadLocalThread;
import io.netty.util.internal.InternalThreadLocalMap;

/**
 * What Netty's per-thread type-matcher caches keep after a handler is constructed on an event-loop-like thread. Those
 * caches are keyed by classes; a class of ours as a key keeps our bundle's retired revision for as long as the thread
 * (a transport's event loop) lives (docs/performance.md, "Node memory", session 16). Published in api's test-jar for
 * the EventLoopCachesTest of each bundle whose handlers run on another bundle's event loops.
 */
public final class NettyThreadCaches {
    private NettyThreadCaches() {
    }

    /** Classes of ours among the matcher caches' keys of a fresh event-loop-like thread after {@code construct}. */
    public static List<String> oursKeptAfter(Callable<?> construct) throws InterruptedException {
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

    /** A new instance of {@code className} (private nested classes included) from its first declared constructor. */
    public static Object construct(String className, Object... arguments) throws ReflectiveOperationException {
        java.lang.reflect.Constructor<?> c = Class.forName(className).getDeclaredConstructors()[0];
        c.setAccessible(true);
        return c.newInstance(arguments);
    }
}
