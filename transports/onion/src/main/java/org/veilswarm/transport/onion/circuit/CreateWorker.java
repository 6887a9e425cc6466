package org.veilswarm.transport.onion.circuit;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a relay's server-side ntor handshakes (two X25519 operations each) off the event loops, with
 * a bounded queue: a flood of CREATE2 cells cannot stall the forwarding of cells of existing circuits,
 * and beyond {@link CircuitSettings#maxPendingCreates()} waiting handshakes the next CREATE2 is refused
 * at once (DESTROY RESOURCELIMIT, tor-spec §5.4) instead of waiting. This plays the part of tor's
 * cpuworker threads and its bounded onion queue (torrc MaxOnionQueueDelay).
 */
final class CreateWorker implements AutoCloseable {
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    /** Prefix of the worker thread's name. */
    static final String THREAD_PREFIX = "veilswarm-onion-ntor-";

    private final ThreadPoolExecutor executor;

    CreateWorker(int maxPending) {
        String name = THREAD_PREFIX + INSTANCES.incrementAndGet();
        ThreadFactory threads = task -> {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            return thread;
        };
        // One thread: the event loops forward cells on the other cores; handshakes are the relay's bulk work.
        executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(maxPending), threads,
                new ThreadPoolExecutor.AbortPolicy());
    }

    /** Queues a handshake; false if the queue is full or the worker closed. */
    boolean submit(Runnable handshake) {
        try {
            executor.execute(handshake);
            return true;
        } catch (RejectedExecutionException full) {
            return false;
        }
    }

    /** Handshakes waiting (not counting the one running). */
    int waiting() {
        return executor.getQueue().size();
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
