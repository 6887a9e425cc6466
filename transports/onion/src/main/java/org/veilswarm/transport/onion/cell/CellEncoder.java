package org.veilswarm.transport.onion.cell;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.MessageToByteEncoder;

/**
 * Writes {@link Cell} values as link cells (tor-spec §3). Before {@link #setLinkProtocol(int)} only
 * VERSIONS, VPADDING and AUTHORIZE can be written, with 2-byte circuit IDs; afterwards every cell is
 * written with 4-byte circuit IDs, fixed-length cells NUL-padded to 514 bytes. A responder sets the
 * protocol right after writing its VERSIONS cell, before its CERTS cell. Relay cells' payload
 * buffers are released once written.
 *
 * <p>Every value type validates its fields when constructed, so whatever reaches this encoder can be
 * encoded; only a {@link MalformedCell} or a cell written before negotiation is refused.
 *
 * <p>Relay cells written with a void promise once the protocol is negotiated (the circuit layer's writes)
 * are packed into one buffer of up to {@link #BATCH_CELLS} cells, handed on when it is full, when another
 * cell is written, or on flush: the TLS layer then gets one buffer per record instead of one per cell
 * (before, every 514-byte cell was a pooled buffer of its own that the TLS handler copied again into a
 * record). Handshake cells and writes whose outcome someone waits for keep their own buffer and promise.
 */
public final class CellEncoder extends MessageToByteEncoder<Cell> {
    /** Cells per batch: as many as fit in one TLS record's 16,384 bytes of plaintext (RFC 8446 §5.1). */
    static final int BATCH_CELLS = 16_384 / CellFormat.CELL_LEN;
    private int linkProtocol;
    /** Relay cells encoded but not yet handed to the next handler, or null. */
    private ByteBuf batch;
    /**
     * Cells in the last batch handed on: the next batch starts with room for that many and grows up to
     * {@link #BATCH_CELLS}. A link that flushes after every cell or two (a slow stream, a relay passing a few
     * cells on) then allocates a cell's worth per flush rather than a whole record's 16 KB.
     */
    private int lastBatchCells = 1;

    /** An encoder for a new link (2-byte circuit IDs until {@link #setLinkProtocol(int)}). */
    public CellEncoder() {
        super(Cell.class);
    }

    /** An encoder for a link whose protocol is already negotiated. */
    public static CellEncoder forLinkProtocol(int version) {
        CellEncoder encoder = new CellEncoder();
        encoder.setLinkProtocol(version);
        return encoder;
    }

    /**
     * Switches to the negotiated link protocol (4 or 5); call it on the channel's event loop.
     *
     * @throws IllegalArgumentException if this codec cannot speak {@code version}
     * @throws IllegalStateException if a protocol was already set
     */
    public void setLinkProtocol(int version) {
        if (!CellFormat.isSupportedLinkProtocol(version)) {
            throw new IllegalArgumentException("link protocol " + version + " is not supported");
        }
        if (linkProtocol != 0) {
            throw new IllegalStateException("link protocol already set to " + linkProtocol);
        }
        linkProtocol = version;
    }

    /** The negotiated link protocol, or 0 before {@link #setLinkProtocol(int)}. */
    public int linkProtocol() {
        return linkProtocol;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof RelayCell relay && linkProtocol != 0 && promise.isVoid()) {
            try {
                if (batch == null) {
                    batch = ctx.alloc().ioBuffer(lastBatchCells * CellFormat.CELL_LEN, BATCH_CELLS * CellFormat.CELL_LEN);
                }
                write(relay, CellFormat.CIRCID_LEN, batch);
            } finally {
                relay.release();
            }
            if (batch.readableBytes() + CellFormat.CELL_LEN > batch.maxCapacity()) {
                writeBatch(ctx);
            }
            return;
        }
        writeBatch(ctx); // what was batched goes first: cells leave in the order they were written
        super.write(ctx, msg, promise);
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        writeBatch(ctx);
        ctx.flush();
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) throws Exception {
        releaseBatch();
        super.close(ctx, promise);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) throws Exception {
        releaseBatch();
        super.handlerRemoved(ctx);
    }

    private void writeBatch(ChannelHandlerContext ctx) {
        ByteBuf ready = batch;
        if (ready != null) {
            batch = null;
            lastBatchCells = ready.readableBytes() / CellFormat.CELL_LEN;
            ctx.write(ready, ctx.voidPromise());
        }
    }

    private void releaseBatch() {
        ByteBuf dropped = batch;
        if (dropped != null) {
            batch = null;
            dropped.release();
        }
    }

    @Override
    protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, Cell cell, boolean preferDirect) {
        int size = cell.command().isVariableLength() ? CellFormat.VAR_CELL_HEADER_LEN + 256 : CellFormat.CELL_LEN;
        return preferDirect ? ctx.alloc().ioBuffer(size) : ctx.alloc().heapBuffer(size);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Cell cell, ByteBuf out) {
        if (linkProtocol == 0 && !allowedBeforeVersions(cell)) {
            throw new EncoderException(cell.command() + " cannot be sent before VERSIONS negotiation (tor-spec §4)");
        }
        write(cell, linkProtocol == 0 ? CellFormat.INITIAL_CIRCID_LEN : CellFormat.CIRCID_LEN, out);
    }

    private static boolean allowedBeforeVersions(Cell cell) {
        CellCommand command = cell.command();
        return command == CellCommand.VERSIONS || command == CellCommand.VPADDING
                || command == CellCommand.AUTHORIZE;
    }

    /** Writes one cell with circuit IDs of {@code circuitIdLength} (2 or 4) bytes. */
    static void write(Cell cell, int circuitIdLength, ByteBuf out) {
        if (cell instanceof MalformedCell malformed) {
            throw new EncoderException("a MalformedCell cannot be encoded: " + malformed.cause().getMessage());
        }
        if (circuitIdLength == CellFormat.INITIAL_CIRCID_LEN) {
            if ((cell.circuitId() & 0xFFFF0000) != 0) {
                throw new EncoderException("circuit ID " + cell.circuitId() + " does not fit in 2 bytes");
            }
            out.writeShort(cell.circuitId());
        } else {
            out.writeInt(cell.circuitId());
        }
        out.writeByte(cell.command().code());
        if (cell.command().isVariableLength()) {
            int lengthIndex = out.writerIndex();
            out.writeShort(0);
            writeBody(cell, out);
            out.setShort(lengthIndex, out.writerIndex() - lengthIndex - 2);
        } else {
            int bodyStart = out.writerIndex();
            writeBody(cell, out);
            out.writeZero(CellFormat.PAYLOAD_LEN - (out.writerIndex() - bodyStart));
        }
    }

    private static void writeBody(Cell cell, ByteBuf out) {
        if (cell instanceof RelayCell relay) {
            ByteBuf payload = relay.content();
            out.writeBytes(payload, payload.readerIndex(), payload.readableBytes());
        } else if (cell instanceof Versions versions) {
            versions.encodeBody(out);
        } else if (cell instanceof Certs certs) {
            certs.encodeBody(out);
        } else if (cell instanceof AuthChallenge challenge) {
            challenge.encodeBody(out);
        } else if (cell instanceof Authenticate authenticate) {
            authenticate.encodeBody(out);
        } else if (cell instanceof Netinfo netinfo) {
            netinfo.encodeBody(out);
        } else if (cell instanceof PaddingNegotiate negotiate) {
            negotiate.encodeBody(out);
        } else if (cell instanceof Create2 create2) {
            create2.encodeBody(out);
        } else if (cell instanceof Created2 created2) {
            created2.encodeBody(out);
        } else if (cell instanceof CreateFast createFast) {
            createFast.encodeBody(out);
        } else if (cell instanceof CreatedFast createdFast) {
            createdFast.encodeBody(out);
        } else if (cell instanceof Destroy destroy) {
            destroy.encodeBody(out);
        } else if (cell instanceof VPadding padding) {
            out.writeZero(padding.length());
        } else if (cell instanceof UnsupportedCell unsupported) {
            out.writeBytes(unsupported.payloadUnsafe());
        } else if (!(cell instanceof Padding)) {
            throw new EncoderException("no encoding for " + cell.getClass().getName());
        }
    }
}
