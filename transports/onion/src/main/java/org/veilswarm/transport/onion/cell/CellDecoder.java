package org.veilswarm.transport.onion.cell;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import org.veilswarm.transport.onion.cell.CellFormatException.Defect;

/**
 * Frames and decodes link cells (tor-spec §3) into {@link Cell} values.
 *
 * <p>A link starts before VERSIONS negotiation: circuit IDs are 2 bytes and only variable-length cells
 * can be framed, of which only VERSIONS, VPADDING and AUTHORIZE are allowed (tor-spec §4). After the
 * first VERSIONS cell the decoder holds further bytes until the link layer calls
 * {@link #setLinkProtocol(int)} with the negotiated version; from then on circuit IDs are 4 bytes,
 * fixed-length cells are 514 bytes and variable-length cells (command 7 or &ge; 128) carry a 2-byte
 * length. Calling {@code setLinkProtocol} while handling the {@link Versions} cell (the normal case,
 * on the event loop) makes the bytes that arrived behind it decode at once with the right circuit ID
 * width.
 *
 * <p>Errors: link-fatal problems are thrown as {@link CellFormatException} (the pipeline should
 * close the channel) and everything after them is discarded; circuit-fatal problems are emitted as a
 * {@link MalformedCell}; cells with commands tor-spec does not define are dropped and counted
 * ({@link #droppedCells()}), as tor-spec §3 requires.
 *
 * <p>Relay cells carry retained slices of the inbound bytes, so relaying them copies nothing.
 * One instance per channel; not sharable.
 */
public final class CellDecoder extends ByteToMessageDecoder {
    private enum State {
        BEFORE_VERSIONS, NEGOTIATING, OPEN, FAILED
    }

    private final int maxVariablePayloadLength;
    private State state = State.BEFORE_VERSIONS;
    private int linkProtocol;
    private long droppedCells;
    private boolean decoding;
    private ChannelHandlerContext context;

    /** A decoder for a new link, accepting variable-length cells up to the spec's 65535 bytes. */
    public CellDecoder() {
        this(CellFormat.MAX_VAR_PAYLOAD_LEN);
    }

    /**
     * A decoder for a new link that refuses variable-length cells longer than
     * {@code maxVariablePayloadLength} (link-fatal {@link Defect#CELL_TOO_LONG}); this bounds what one
     * link can make this side buffer.
     */
    public CellDecoder(int maxVariablePayloadLength) {
        if (maxVariablePayloadLength < 0 || maxVariablePayloadLength > CellFormat.MAX_VAR_PAYLOAD_LEN) {
            throw new IllegalArgumentException("maximum variable payload must be 0.." + CellFormat.MAX_VAR_PAYLOAD_LEN
                    + ", got " + maxVariablePayloadLength);
        }
        this.maxVariablePayloadLength = maxVariablePayloadLength;
    }

    /** A decoder for a link whose protocol is already negotiated. */
    public static CellDecoder forLinkProtocol(int version) {
        CellDecoder decoder = new CellDecoder();
        decoder.setLinkProtocol(version);
        return decoder;
    }

    /**
     * Switches to the negotiated link protocol (4 or 5). Call it once, on the channel's event loop,
     * normally while handling the first {@link Versions} cell.
     *
     * @throws IllegalArgumentException if this codec cannot speak {@code version}
     * @throws IllegalStateException if a protocol was already set (later VERSIONS cells "MUST be ignored")
     */
    public void setLinkProtocol(int version) {
        if (!CellFormat.isSupportedLinkProtocol(version)) {
            throw new IllegalArgumentException("link protocol " + version + " is not supported (need "
                    + CellFormat.MIN_LINK_PROTOCOL + ".." + CellFormat.MAX_LINK_PROTOCOL + ")");
        }
        if (state == State.OPEN || state == State.FAILED) {
            throw new IllegalStateException("link protocol already set (" + linkProtocol + ") or link failed");
        }
        boolean bytesWaiting = state == State.NEGOTIATING && actualReadableBytes() > 0;
        linkProtocol = version;
        state = State.OPEN;
        if (bytesWaiting && !decoding && context != null) {
            decodeWaitingBytes();
        }
    }

    /** The negotiated link protocol, or 0 before {@link #setLinkProtocol(int)}. */
    public int linkProtocol() {
        return linkProtocol;
    }

    /** Cells dropped because tor-spec does not define their command. */
    public long droppedCells() {
        return droppedCells;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
        context = ctx;
        super.handlerAdded(ctx);
    }

    @Override
    protected void callDecode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        decoding = true;
        try {
            super.callDecode(ctx, in, out);
        } finally {
            decoding = false;
        }
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        switch (state) {
            case BEFORE_VERSIONS -> decodeBeforeVersions(in, out);
            case OPEN -> decodeOpen(in, out);
            case NEGOTIATING -> {
                // Wait: the circuit ID width of what follows depends on the version the link picks.
            }
            case FAILED -> in.skipBytes(in.readableBytes());
        }
    }

    private void decodeWaitingBytes() {
        try {
            channelRead(context, Unpooled.EMPTY_BUFFER);
            channelReadComplete(context);
        } catch (Exception e) {
            context.fireExceptionCaught(e);
        }
    }

    private void decodeBeforeVersions(ByteBuf in, List<Object> out) {
        if (in.readableBytes() < CellFormat.INITIAL_CIRCID_LEN + 1) {
            return;
        }
        int start = in.readerIndex();
        int circuitId = in.getUnsignedShort(start);
        int command = in.getUnsignedByte(start + CellFormat.INITIAL_CIRCID_LEN);
        if (command != CellCommand.VERSIONS.code() && command != CellCommand.VPADDING.code()
                && command != CellCommand.AUTHORIZE.code()) {
            throw fail(Defect.CELL_BEFORE_VERSIONS, command, circuitId, CellFormat.isVariableLength(command)
                    ? "only VERSIONS, VPADDING or AUTHORIZE may come first (tor-spec §4)"
                    : "a fixed-length cell cannot be framed before VERSIONS");
        }
        checkCircuitId(CellCommand.fromCode(command), circuitId);
        if (in.readableBytes() < CellFormat.INITIAL_VAR_CELL_HEADER_LEN) {
            return;
        }
        int length = in.getUnsignedShort(start + CellFormat.INITIAL_CIRCID_LEN + 1);
        checkVariableLength(command, circuitId, length);
        if (in.readableBytes() < CellFormat.INITIAL_VAR_CELL_HEADER_LEN + length) {
            return;
        }
        ByteBuf body = in.slice(start + CellFormat.INITIAL_VAR_CELL_HEADER_LEN, length);
        in.skipBytes(CellFormat.INITIAL_VAR_CELL_HEADER_LEN + length);
        Cell cell = decodeBody(circuitId, CellCommand.fromCode(command), body);
        if (cell instanceof Versions) {
            state = State.NEGOTIATING;
        }
        out.add(cell);
    }

    private void decodeOpen(ByteBuf in, List<Object> out) {
        if (in.readableBytes() < CellFormat.CIRCID_LEN + 1) {
            return;
        }
        int start = in.readerIndex();
        int circuitId = in.getInt(start);
        int command = in.getUnsignedByte(start + CellFormat.CIRCID_LEN);
        int headerLength;
        int length;
        if (CellFormat.isVariableLength(command)) {
            if (in.readableBytes() < CellFormat.VAR_CELL_HEADER_LEN) {
                return;
            }
            headerLength = CellFormat.VAR_CELL_HEADER_LEN;
            length = in.getUnsignedShort(start + CellFormat.CIRCID_LEN + 1);
            checkVariableLength(command, circuitId, length);
        } else {
            headerLength = CellFormat.CIRCID_LEN + 1;
            length = CellFormat.PAYLOAD_LEN;
        }
        if (in.readableBytes() < headerLength + length) {
            return;
        }
        CellCommand known = CellCommand.fromCode(command);
        if (known == null) {
            droppedCells++;
            in.skipBytes(headerLength + length);
            return;
        }
        checkCircuitId(known, circuitId);
        if (known == CellCommand.RELAY || known == CellCommand.RELAY_EARLY) {
            in.skipBytes(headerLength);
            ByteBuf payload = in.readRetainedSlice(length);
            out.add(known == CellCommand.RELAY ? new Relay(circuitId, payload) : new RelayEarly(circuitId, payload));
            return;
        }
        ByteBuf body = in.slice(start + headerLength, length);
        in.skipBytes(headerLength + length);
        Cell cell;
        try {
            cell = decodeBody(circuitId, known, body);
        } catch (CellFormatException e) {
            if (e.isLinkFatal()) {
                state = State.FAILED;
                throw e;
            }
            cell = new MalformedCell(known, e);
        }
        out.add(cell);
    }

    private Cell decodeBody(int circuitId, CellCommand command, ByteBuf body) {
        try {
            return switch (command) {
                case VERSIONS -> Versions.decode(body);
                case VPADDING -> new VPadding(circuitId, body.readableBytes());
                case PADDING -> new Padding(circuitId);
                case CERTS -> Certs.decode(body);
                case AUTH_CHALLENGE -> AuthChallenge.decode(body);
                case AUTHENTICATE -> Authenticate.decode(body);
                case NETINFO -> Netinfo.decode(body);
                case PADDING_NEGOTIATE -> PaddingNegotiate.decode(body);
                case CREATE2 -> Create2.decode(circuitId, body);
                case CREATED2 -> Created2.decode(circuitId, body);
                case CREATE_FAST -> CreateFast.decode(circuitId, body);
                case CREATED_FAST -> CreatedFast.decode(circuitId, body);
                case DESTROY -> Destroy.decode(circuitId, body);
                case CREATE, CREATED, AUTHORIZE -> new UnsupportedCell(circuitId, command, readAll(body));
                case RELAY, RELAY_EARLY -> throw new AssertionError("relay cells are sliced, not parsed");
            };
        } catch (CellFormatException e) {
            if (e.isLinkFatal()) {
                state = State.FAILED;
            }
            throw e;
        }
    }

    private static byte[] readAll(ByteBuf body) {
        byte[] bytes = new byte[body.readableBytes()];
        body.readBytes(bytes);
        return bytes;
    }

    private void checkVariableLength(int command, int circuitId, int length) {
        if (length > maxVariablePayloadLength) {
            throw fail(Defect.CELL_TOO_LONG, command, circuitId,
                    "length " + length + " > this link's limit of " + maxVariablePayloadLength);
        }
    }

    private void checkCircuitId(CellCommand command, int circuitId) {
        boolean wrong = switch (command.circuitIdRule()) {
            case ZERO -> circuitId != 0;
            case NONZERO -> circuitId == 0;
            case ANY -> false;
        };
        if (wrong) {
            throw fail(Defect.WRONG_CIRCUIT_ID, command.code(), circuitId, circuitId == 0
                    ? "circuit cells need a nonzero circuit ID (tor-spec §5.1.1)"
                    : "link cells use circuit ID 0 (tor-spec §5.1.1)");
        }
    }

    private CellFormatException fail(Defect defect, int command, int circuitId, String message) {
        state = State.FAILED;
        return CellFormatException.linkFatal(defect, command, circuitId, message);
    }
}
