package org.veilswarm.console.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class IdleWorkersTest {

    @Test
    void threadsEndOnceIdleAndNewWorkStartsOneAgain() throws Exception {
        ThreadPoolExecutor workers = IdleWorkers.named("idle-workers-test", 2, 100);
        try {
            Thread[] ran = new Thread[1];
            workers.submit(() -> ran[0] = Thread.currentThread()).get(10, TimeUnit.SECONDS);
            assertEquals("idle-workers-test", ran[0].getName());
            assertTrue(ran[0].isDaemon(), "a worker must not keep the JVM alive");
            ran[0].join(10_000);
            assertTrue(!ran[0].isAlive(), "the idle worker thread is still alive");
            assertEquals(0, workers.getPoolSize());

            assertEquals("again", workers.submit(() -> "again").get(10, TimeUnit.SECONDS));
        } finally {
            workers.shutdownNow();
        }
    }
}
