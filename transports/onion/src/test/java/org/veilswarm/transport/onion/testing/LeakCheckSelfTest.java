package org.veilswarm.transport.onion.testing;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The leak check can fail: a buffer dropped without release is reported. */
class LeakCheckSelfTest {

    @Test
    void anUnreleasedBufferIsReported() throws InterruptedException {
        assertTrue(LeakRecordingDetector.installed());
        LeakRecordingDetector.drain();
        leakOne();
        List<String> leaks = List.of();
        for (int round = 0; round < 20 && leaks.isEmpty(); round++) {
            System.gc();
            Thread.sleep(20);
            PooledByteBufAllocator.DEFAULT.heapBuffer(8).release();
            leaks = LeakRecordingDetector.drain();
        }
        assertFalse(leaks.isEmpty(), "the leaked buffer was not reported");
        assertTrue(leaks.get(0).contains("leaked"), leaks.get(0));
    }

    private static void leakOne() {
        ByteBuf leaked = PooledByteBufAllocator.DEFAULT.heapBuffer(16);
        leaked.writeInt(42);
    }
}
