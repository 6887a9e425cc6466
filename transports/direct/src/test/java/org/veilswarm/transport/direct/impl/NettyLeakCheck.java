package org.veilswarm.transport.direct.impl;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.netty.util.internal.logging.JdkLoggerFactory;

/**
 * Fails a test class if Netty reports a leaked buffer while it ran.
 *
 * <p>Netty notices a leak only when the garbage collector has freed an unreleased buffer and a later
 * allocation polls the detector's queue, and it reports it as a log line, not an exception. So the
 * extension turns detection up to {@code PARANOID} (every buffer tracked, whatever surefire's argLine
 * says), listens on the detector's logger, and after the class collects garbage and allocates a few
 * buffers to drain the queue before it checks what was logged.
 */
public final class NettyLeakCheck implements BeforeAllCallback, AfterAllCallback {
    private static final Logger DETECTOR_LOG = Logger.getLogger(ResourceLeakDetector.class.getName());

    private final List<String> leaks = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            String message = record.getMessage();
            if (message != null && message.contains("LEAK:")) {
                leaks.add(message);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @Override
    public void beforeAll(ExtensionContext context) {
        // Netty logs through SLF4J or Log4j when it finds them; pin it to java.util.logging to listen.
        InternalLoggerFactory.setDefaultFactory(JdkLoggerFactory.INSTANCE);
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        DETECTOR_LOG.addHandler(handler);
    }

    @Override
    public void afterAll(ExtensionContext context) throws InterruptedException {
        try {
            for (int round = 0; round < 5; round++) {
                System.gc();
                Thread.sleep(50);
                drainDetectorQueues();
            }
        } finally {
            DETECTOR_LOG.removeHandler(handler);
        }
        if (!leaks.isEmpty()) {
            fail(leaks.size() + " Netty buffer leak(s) in " + context.getDisplayName() + ":\n"
                    + String.join("\n\n", leaks));
        }
    }

    /** Each tracked allocation polls the detector's reference queue and logs what it finds there. */
    private static void drainDetectorQueues() {
        for (int i = 0; i < 64; i++) {
            ByteBuf pooled = PooledByteBufAllocator.DEFAULT.directBuffer(16);
            ByteBuf heap = UnpooledByteBufAllocator.DEFAULT.heapBuffer(16);
            pooled.release();
            heap.release();
        }
    }
}
