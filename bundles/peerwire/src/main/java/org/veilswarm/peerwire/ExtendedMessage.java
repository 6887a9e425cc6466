package org.veilswarm.peerwire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/**
 * A BEP 10 extended message whose extension this codec does not decode: the extended id (as the
 * receiver announced it in its {@code m} dictionary) and the raw payload, a retained slice.
 */
public final class ExtendedMessage extends DefaultByteBufHolder implements PeerMessage {

    private final int extendedId;

    public ExtendedMessage(int extendedId, ByteBuf payload) {
        super(payload);
        if (extendedId < 1 || extendedId > 255) {
            throw new IllegalArgumentException("extended id must be 1..255 (0 is the handshake): " + extendedId);
        }
        this.extendedId = extendedId;
    }

    public int extendedId() {
        return extendedId;
    }

    @Override
    public ExtendedMessage replace(ByteBuf content) {
        return new ExtendedMessage(extendedId, content);
    }

    @Override
    public ExtendedMessage retain() {
        super.retain();
        return this;
    }

    @Override
    public ExtendedMessage touch(Object hint) {
        super.touch(hint);
        return this;
    }

    @Override
    public String toString() {
        return "ExtendedMessage[id=" + extendedId + ", " + content().readableBytes() + " bytes]";
    }
}
