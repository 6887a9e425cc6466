package org.veilswarm.transport.tor.impl;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.socksx.v5.Socks5CommandResponse;
import java.util.OptionalInt;

/**
 * Sits between the SOCKS5 response decoder and Netty's {@code Socks5ProxyHandler} and remembers the
 * CONNECT reply code. The proxy handler reports a failure only as text; tor's extended codes (0xF0-0xF7)
 * say why an onion service could not be reached, and the caller needs them typed.
 */
final class SocksReplyObserver extends ChannelInboundHandlerAdapter {
    private volatile int replyCode = -1;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Socks5CommandResponse response) {
            replyCode = response.status().byteValue() & 0xFF;
            ctx.pipeline().remove(this);
        }
        ctx.fireChannelRead(msg);
    }

    /** The CONNECT reply's code (RFC 1928 §6), if one arrived. */
    OptionalInt replyCode() {
        int code = replyCode;
        return code < 0 ? OptionalInt.empty() : OptionalInt.of(code);
    }
}
