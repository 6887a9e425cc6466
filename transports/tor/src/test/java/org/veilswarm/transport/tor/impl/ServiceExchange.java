package org.veilswarm.transport.tor.impl;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.BlockingQueue;

/**
 * The test service behind an onion address: the first byte a client sends chooses the direction,
 * {@code 'D'} (the service sends its file, then closes) or {@code 'U'} (the service digests everything the
 * client sends until it closes; the receiver is handed to the test through {@code uploads}).
 */
final class ServiceExchange extends ChannelInboundHandlerAdapter {
    static final byte DOWNLOAD = 'D';
    static final byte UPLOAD = 'U';

    private final byte[] file;
    private final BlockingQueue<DigestingReceiver> uploads;

    ServiceExchange(byte[] file, BlockingQueue<DigestingReceiver> uploads) {
        this.file = file;
        this.uploads = uploads;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        ByteBuf buf = (ByteBuf) msg;
        if (!buf.isReadable()) {
            buf.release();
            return;
        }
        byte command = buf.readByte();
        if (command == DOWNLOAD) {
            buf.release();
            FileSender sender = new FileSender(file, null);
            ctx.pipeline().replace(this, "sender", sender);
            sender.channelActive(ctx.pipeline().context(sender));
        } else if (command == UPLOAD) {
            DigestingReceiver receiver = new DigestingReceiver();
            ctx.pipeline().replace(this, "receiver", receiver);
            uploads.add(receiver);
            receiver.channelRead(ctx.pipeline().context(receiver), buf);
        } else {
            buf.release();
            ctx.close();
        }
    }
}
