package org.veilswarm.transport.onion.crypto;

import io.netty.buffer.ByteBuf;
import org.veilswarm.transport.onion.cell.CellFormat;

/**
 * A relay payload as an array region, for the crypto to work on in place: a heap buffer's own backing
 * array, or for a direct buffer a per-thread scratch array that is copied in once and written back
 * once, however many layers a cell goes through. No allocation per cell.
 */
final class PayloadView {
    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[CellFormat.PAYLOAD_LEN]);

    final byte[] array;
    final int offset;
    private final ByteBuf buffer;
    private final int index;

    private PayloadView(ByteBuf buffer) {
        if (buffer.readableBytes() != CellFormat.PAYLOAD_LEN) {
            throw new IllegalArgumentException("relay payloads are " + CellFormat.PAYLOAD_LEN + " bytes, got "
                    + buffer.readableBytes());
        }
        this.buffer = buffer;
        this.index = buffer.readerIndex();
        if (buffer.hasArray()) {
            array = buffer.array();
            offset = buffer.arrayOffset() + index;
        } else {
            array = SCRATCH.get();
            offset = 0;
            buffer.getBytes(index, array, 0, CellFormat.PAYLOAD_LEN);
        }
    }

    static PayloadView of(ByteBuf payload) {
        return new PayloadView(payload);
    }

    /** Writes the transformed payload back (a no-op for heap buffers, which were changed in place). */
    void writeBack() {
        if (!buffer.hasArray()) {
            buffer.setBytes(index, array, 0, CellFormat.PAYLOAD_LEN);
        }
    }
}
