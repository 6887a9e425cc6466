package org.veilswarm.console.impl;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Executors for work that comes now and then (a share created from the console, a port check after the HTTP
 * runtime changed): their threads end once idle, instead of waiting for the rest of the node's life. Each
 * parked thread costs a node ~0.1-0.2 MB of stack and JVM structures (docs/performance.md, "Node memory").
 */
public final class IdleWorkers {
    /** How long a thread waits for more work before it ends. */
    static final long KEEP_ALIVE_MILLIS = 30_000;

    private IdleWorkers() {
    }

    /** Up to {@code threads} daemon threads named {@code name}; excess tasks queue without bound. */
    public static ExecutorService named(String name, int threads) {
        return named(name, threads, KEEP_ALIVE_MILLIS);
    }

    static ThreadPoolExecutor named(String name, int threads, long keepAliveMillis) {
        ThreadPoolExecutor executor = new ThreadPoolExecutor(threads, threads, keepAliveMillis, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, name);
                    t.setDaemon(true);
                    return t;
                });
        executor.allowCoreThreadTimeOut(true);
        return executor;
    }
}
