package org.veilswarm.transport.onion.link;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import org.veilswarm.transport.onion.cell.CellCommand;

/**
 * Sits between TLS and the cell codecs while the handshake runs and keeps SLOG and CLOG (tor-spec
 * §4.4.2) over the plaintext as it passes; removed once the link is established, so idle links do not
 * carry it.
 */
final class HandshakeTranscript extends ChannelDuplexHandler {
    static final String NAME = "onion-link-transcript";

    private final CellLog responderBytes = CellLog.upToAndIncluding(CellCommand.AUTH_CHALLENGE.code());
    private final CellLog initiatorBytes = CellLog.upToButExcluding(CellCommand.AUTHENTICATE.code());
    private final boolean initiator;

    HandshakeTranscript(Link.Role role) {
        this.initiator = role == Link.Role.INITIATOR;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf bytes) {
            (initiator ? responderBytes : initiatorBytes).feed(bytes);
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof ByteBuf bytes) {
            (initiator ? initiatorBytes : responderBytes).feed(bytes);
        }
        ctx.write(msg, promise);
    }

    /** SLOG: the responder's bytes up to and including AUTH_CHALLENGE. */
    byte[] slog() {
        return responderBytes.digest();
    }

    /** CLOG: the initiator's bytes before AUTHENTICATE. */
    byte[] clog() {
        return initiatorBytes.digest();
    }

    boolean slogComplete() {
        return responderBytes.complete();
    }
}
