package org.veilswarm.peerwire;

import static org.junit.jupiter.api.Assertions.fail;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when Netty's leak detector reports an unreleased buffer.
 *
 * <p>Instead of reading log output, it installs a detector factory whose detectors record each leak
 * report. Netty creates the ByteBuf detector once, when the buffer classes initialise, so the factory
 * must be in place before the first buffer of the JVM: {@link #beforeAll} checks that it is and fails
 * otherwise, rather than letting leaks go unseen. Leaks surface only after the garbage collector has
 * reclaimed an unreleased buffer and the detector is consulted again, hence the GC-and-allocate loop.
 */
public final class LeakRecorder implements BeforeAllCallback, AfterAllCallback {

    private static final List<String> LEAKS = new CopyOnWriteArrayList<>();
    private static volatile boolean byteBufDetectorIsOurs;

    static {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new RecordingFactory());
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        ByteBufAllocator.DEFAULT.buffer(1).release();
        if (!byteBufDetectorIsOurs) {
            fail("Netty's ByteBuf leak detector was created before LeakRecorder was installed: a test class "
                    + "touched buffers before its @ExtendWith(LeakRecorder.class) ran");
        }
        LEAKS.clear();
    }

    @Override
    public void afterAll(ExtensionContext context) throws InterruptedException {
        for (int round = 0; round < 5 && LEAKS.isEmpty(); round++) {
            System.gc();
            Thread.sleep(20);
            for (int i = 0; i < 200; i++) {
                ByteBufAllocator.DEFAULT.buffer(8).release();
                ByteBufAllocator.DEFAULT.heapBuffer(8).release();
            }
        }
        if (!LEAKS.isEmpty()) {
            fail(LEAKS.size() + " buffer leak(s) in " + context.getDisplayName() + ":\n" + String.join("\n\n", LEAKS));
        }
    }

    private static final class RecordingFactory extends ResourceLeakDetectorFactory {
        @Override
        @SuppressWarnings("deprecation")
        public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval, long maxActive) {
            return newResourceLeakDetector(resource, samplingInterval);
        }

        @Override
        public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval) {
            if (resource == ByteBuf.class) {
                byteBufDetectorIsOurs = true;
            }
            return new RecordingDetector<>(resource, samplingInterval);
        }
    }

    private static final class RecordingDetector<T> extends ResourceLeakDetector<T> {
        RecordingDetector(Class<?> resource, int samplingInterval) {
            super(resource, samplingInterval);
        }

        @Override
        protected void reportTracedLeak(String resourceType, String records) {
            LEAKS.add("LEAK " + resourceType + records);
        }

        @Override
        protected void reportUntracedLeak(String resourceType) {
            LEAKS.add("LEAK " + resourceType + " (no records)");
        }
    }
}
