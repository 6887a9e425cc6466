package org.veilswarm.transport.onion.circuit;

import java.util.concurrent.CompletableFuture;

import io.netty.util.concurrent.Future;

/**
 * Netty futures as {@link CompletableFuture}s that complete even when the future's event loop has stopped.
 * Netty runs a listener on the future's own executor and, once that executor has terminated, drops the notification
 * and logs "Failed to submit a listener notification task" at SEVERE: an onion service's descriptor upload asking for
 * a circuit while its transport stops (a bundle update) got a done future from the stopped loop, and the upload then
 * waited forever. A future that is done is read here directly, without a listener; one that is not gets a listener and
 * is read again afterwards, in case it finished in between. A future completed from another thread after its loop has
 * terminated is still reported by nobody (Netty gives no way to reach its executor); the owners complete their
 * futures on their loops.
 */
public final class FutureStages {

    private FutureStages() {
    }

    /** Completes as {@code future} does. */
    public static <T> CompletableFuture<T> of(Future<? extends T> future) {
        CompletableFuture<T> stage = new CompletableFuture<>();
        if (future.isDone()) {
            settle(future, stage);
            return stage;
        }
        future.addListener(done -> settle(future, stage));
        if (future.isDone()) {
            settle(future, stage); // settling twice does nothing
        }
        return stage;
    }

    private static <T> void settle(Future<? extends T> future, CompletableFuture<T> stage) {
        if (future.isSuccess()) {
            stage.complete(future.getNow());
        } else if (future.isCancelled()) {
            stage.cancel(false);
        } else {
            stage.completeExceptionally(future.cause());
        }
    }
}
