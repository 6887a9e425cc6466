package org.veilswarm.transport.onion.circuit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Promise;

/**
 * Netty futures of an event loop that has stopped (a transport stopping under a bundle update): a listener's
 * notification is dropped there, and the stage must complete all the same.
 */
class FutureStagesTest {
    private final EventLoop running = new DefaultEventLoop();

    @AfterEach
    void stop() {
        running.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static EventLoop stopped() {
        EventLoop loop = new DefaultEventLoop();
        loop.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
        return loop;
    }

    @Test
    void doneFuturesOfAStoppedLoopComplete() throws Exception {
        EventLoop loop = stopped();
        assertEquals("link", FutureStages.of(loop.newSucceededFuture("link")).get(5, TimeUnit.SECONDS));
        IOException refused = new IOException("refused");
        ExecutionException failed = assertThrows(ExecutionException.class,
                () -> FutureStages.of(loop.newFailedFuture(refused)).get(5, TimeUnit.SECONDS));
        assertSame(refused, failed.getCause());
    }

    @Test
    void aFutureCompletedLaterOnItsLoopCompletesTheStage() throws Exception {
        Promise<String> promise = running.newPromise();
        var stage = FutureStages.of(promise);
        running.execute(() -> promise.setSuccess("circuit"));
        assertEquals("circuit", stage.get(5, TimeUnit.SECONDS));
    }

    @Test
    void aCancelledFutureCancelsTheStage() {
        Promise<String> promise = running.newPromise();
        var stage = FutureStages.of(promise);
        promise.cancel(false);
        assertThrows(java.util.concurrent.CancellationException.class, () -> stage.get(5, TimeUnit.SECONDS));
    }
}
