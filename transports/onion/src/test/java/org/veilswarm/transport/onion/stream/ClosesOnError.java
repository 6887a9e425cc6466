package org.veilswarm.transport.onion.stream;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * The last handler of a test stream's pipeline: an error closes the stream, as an application's handler would, instead
 * of reaching the pipeline's tail (Netty then logs "An exceptionCaught() event ... reached at the tail", a warning
 * that would hide a real one in the test output). A stream keeps its error as {@link OnionStreamChannel#closeCause()},
 * which is what the tests assert on.
 */
@ChannelHandler.Sharable
public final class ClosesOnError extends ChannelInboundHandlerAdapter {
    public static final ClosesOnError INSTANCE = new ClosesOnError();

    private ClosesOnError() {
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
