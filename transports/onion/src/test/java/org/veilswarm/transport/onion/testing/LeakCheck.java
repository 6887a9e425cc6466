package org.veilswarm.transport.onion.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test whose buffers were garbage-collected without being released. Netty's paranoid leak
 * detector tracks every buffer; a leak is reported once the leaked buffer has been collected and a
 * later allocation polls the detector's queue. So after each test this collects garbage once and
 * allocates a probe buffer; after the class it tries harder, to catch what a single pass missed.
 */
public final class LeakCheck implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {
    /**
     * Only the per-class check, for tests with many cheap invocations (fuzz targets replaying a corpus),
     * where a garbage collection per invocation would dominate the run time.
     */
    public static final class PerClass implements BeforeAllCallback, AfterAllCallback {
        private final LeakCheck delegate = new LeakCheck();

        @Override
        public void beforeAll(ExtensionContext context) {
            delegate.beforeAll(context);
        }

        @Override
        public void afterAll(ExtensionContext context) throws InterruptedException {
            delegate.afterAll(context);
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        assertTrue(LeakRecordingDetector.installed(), "run with -Dio.netty.customResourceLeakDetector="
                + LeakRecordingDetector.class.getName() + " (set in the pom's surefire argLine)");
        assertEquals(ResourceLeakDetector.Level.PARANOID, ResourceLeakDetector.getLevel(),
                "leak detection must be paranoid (set in the pom's surefire argLine)");
        LeakRecordingDetector.drain();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        assertNoLeaks(context, 1);
    }

    @Override
    public void afterAll(ExtensionContext context) throws InterruptedException {
        Thread.sleep(20);
        assertNoLeaks(context, 3);
    }

    private static void assertNoLeaks(ExtensionContext context, int rounds) {
        List<String> leaks = List.of();
        for (int round = 0; round < rounds && leaks.isEmpty(); round++) {
            System.gc();
            PooledByteBufAllocator.DEFAULT.buffer(8).release();
            PooledByteBufAllocator.DEFAULT.heapBuffer(8).release();
            leaks = LeakRecordingDetector.drain();
        }
        List<String> found = leaks;
        assertTrue(found.isEmpty(), () -> context.getDisplayName() + " leaked buffers:\n" + String.join("\n", found));
    }
}
