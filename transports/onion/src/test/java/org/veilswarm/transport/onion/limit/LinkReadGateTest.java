package org.veilswarm.transport.onion.limit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The gate over an {@link EmbeddedChannel}, with the bucket's clock and the channel's scheduler moved together. */
class LinkReadGateTest {
    private final AtomicLong now = new AtomicLong();

    @Test
    void readingStopsWhileTheBandwidthBucketIsInDebtAndResumesWhenItIsPaidOff() {
        TokenBucket bucket = new TokenBucket(1000, 1000, now::get);
        LinkReadGate gate = new LinkReadGate(bucket);
        EmbeddedChannel channel = new EmbeddedChannel(gate);
        assertTrue(channel.config().isAutoRead());

        channel.writeInbound(Unpooled.wrappedBuffer(new byte[800]));
        assertTrue(channel.config().isAutoRead(), "within the burst");
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[700]));
        assertFalse(channel.config().isAutoRead(), "500 bytes over: reading pauses");
        assertTrue(gate.isInDebt());
        releaseAll(channel); // the bytes already read were passed on, not dropped

        advance(channel, 400);
        assertFalse(channel.config().isAutoRead(), "the debt lasts 500 ms");
        advance(channel, 150);
        assertTrue(channel.config().isAutoRead(), "paid off: reading resumes");
        assertFalse(channel.finish());
    }

    @Test
    void readingGoesOnWhileTheLinkIsNotWritable() {
        // Two relays that stopped reading whenever they could not write would deadlock each other.
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(8, 16));
        channel.pipeline().addFirst(LinkReadGate.NAME, new LinkReadGate(new TokenBucket(1000, 1000, now::get)));
        channel.write(Unpooled.wrappedBuffer(new byte[32])); // queued, not flushed: above the high-water mark
        assertFalse(channel.isWritable());
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[10]));
        assertTrue(channel.config().isAutoRead());
        channel.flush();
        releaseAll(channel);
        assertFalse(channel.finish());
    }

    private void advance(EmbeddedChannel channel, long millis) {
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
        channel.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
    }

    private static void releaseAll(EmbeddedChannel channel) {
        for (Object o; (o = channel.readInbound()) != null; ) {
            ((ByteBuf) o).release();
        }
        for (Object o; (o = channel.readOutbound()) != null; ) {
            ((ByteBuf) o).release();
        }
    }
}
