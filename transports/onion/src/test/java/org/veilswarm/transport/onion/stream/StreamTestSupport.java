package org.veilswarm.transport.onion.stream;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.veilswarm.transport.onion.cell.RelayCommand;

/** What the {@link EdgePair} stream tests share: a counting sink, waiting for a count, a settled send count. */
final class StreamTestSupport {
    private StreamTestSupport() {
    }

    /** Counts and releases what it reads. */
    @ChannelHandler.Sharable
    static final class Sink extends ChannelInboundHandlerAdapter {
        final AtomicLong bytes = new AtomicLong();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            bytes.addAndGet(((ByteBuf) msg).readableBytes());
            ((ByteBuf) msg).release();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // the tests provoke protocol errors: the stream keeps the cause (closeCause)
        }
    }

    /** {@code value} once it reached {@code expected}, or after 20 s whatever it is then. */
    static long pollUntil(AtomicLong value, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (value.get() < expected && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        return value.get();
    }

    /** DATA cells edge A of {@code pair} has sent, once that number stops changing (every loop task has run). */
    static int settledDataCellsSentByA(EdgePair pair) throws Exception {
        int now = pair.onLoop(() -> pair.a.sentCommands[RelayCommand.DATA.code()]);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (int stable = 0; stable < 3 && System.nanoTime() < deadline; ) {
            Thread.sleep(30);
            int before = now;
            now = pair.onLoop(() -> pair.a.sentCommands[RelayCommand.DATA.code()]);
            stable = now == before ? stable + 1 : 0;
        }
        return now;
    }
}
