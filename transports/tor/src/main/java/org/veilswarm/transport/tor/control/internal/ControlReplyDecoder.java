package org.veilswarm.transport.tor.control.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.veilswarm.transport.tor.control.ControlLimits;
import org.veilswarm.transport.tor.control.ControlProtocolException;
import org.veilswarm.transport.tor.control.ControlProtocolException.Reason;
import org.veilswarm.transport.tor.control.ControlReply;

/**
 * Bytes from tor's control port to {@link ControlReply} values (control-spec §2.3):
 * <pre>
 * Reply         = *(MidReplyLine / DataReplyLine) EndReplyLine
 * MidReplyLine  = StatusCode "-" ReplyLine
 * DataReplyLine = StatusCode "+" ReplyLine CmdData      ; CmdData ends with "." CRLF, dot-stuffed
 * EndReplyLine  = StatusCode SP ReplyText CRLF
 * </pre>
 * Asynchronous events (6xx, §4.1) are assembled apart from command replies, so an event that arrived
 * between the lines of a command's reply would still come out whole and the reply intact (tor itself
 * writes each reply in one piece). Lines end in CRLF; a bare LF is accepted, as tor accepts it from us.
 * After the first error the decoder discards everything: the stream cannot be resynchronised.
 */
public final class ControlReplyDecoder extends ByteToMessageDecoder {
    private final ControlLimits limits;
    private final ReplyAssembler commandReply;
    private final ReplyAssembler event;
    private ReplyAssembler inData;
    private boolean failed;

    public ControlReplyDecoder(ControlLimits limits) {
        this.limits = limits;
        this.commandReply = new ReplyAssembler(limits);
        this.event = new ReplyAssembler(limits);
    }

    public ControlReplyDecoder() {
        this(ControlLimits.DEFAULT);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        try {
            decodeLines(in, out);
        } catch (ControlProtocolException e) {
            failed = true;
            in.skipBytes(in.readableBytes());
            throw e;
        }
    }

    private void decodeLines(ByteBuf in, List<Object> out) {
        while (in.isReadable()) {
            int start = in.readerIndex();
            int scanLimit = Math.min(in.writerIndex(), start + limits.maxLineLength() + 2);
            int lf = in.indexOf(start, scanLimit, (byte) '\n');
            if (lf < 0) {
                if (scanLimit - start > limits.maxLineLength() + 1) {
                    throw new ControlProtocolException(Reason.LINE_TOO_LONG,
                            "no line end within " + limits.maxLineLength() + " bytes");
                }
                return;
            }
            int length = lf - start;
            if (length > 0 && in.getByte(lf - 1) == '\r') {
                length--;
            }
            if (length > limits.maxLineLength()) {
                throw new ControlProtocolException(Reason.LINE_TOO_LONG,
                        "line of " + length + " bytes, limit " + limits.maxLineLength());
            }
            String line = in.toString(start, length, StandardCharsets.UTF_8);
            int wireBytes = lf + 1 - start;
            in.readerIndex(lf + 1);
            ControlReply reply = line(line, wireBytes);
            if (reply != null) {
                out.add(reply);
            }
        }
    }

    private ControlReply line(String line, int wireBytes) {
        if (inData != null) {
            if (line.equals(".")) {
                inData.endData(wireBytes);
                inData = null;
            } else {
                // A data line starting with "." had one more "." prepended by tor (dot-stuffing).
                inData.dataLine(line.startsWith(".") ? line.substring(1) : line, wireBytes);
            }
            return null;
        }
        int code = statusCode(line);
        if (line.length() < 4) {
            throw new ControlProtocolException(Reason.MALFORMED_LINE, "status code without separator and text: " + printable(line));
        }
        ReplyAssembler assembler = code / 100 == 6 ? event : commandReply;
        assembler.statusLine(code, wireBytes);
        String text = line.substring(4);
        switch (line.charAt(3)) {
            case ' ' -> {
                assembler.addLine(text);
                return assembler.finish();
            }
            case '-' -> assembler.addLine(text);
            case '+' -> {
                assembler.startData(text);
                inData = assembler;
            }
            default -> throw new ControlProtocolException(Reason.MALFORMED_LINE,
                    "separator must be ' ', '-' or '+', got " + printable(line.substring(3, 4)));
        }
        return null;
    }

    /** control-spec §4: three digits; the first is the class, 2 (ok), 4/5 (error) or 6 (event); we accept 1-6. */
    private static int statusCode(String line) {
        if (line.length() < 3) {
            throw new ControlProtocolException(Reason.BAD_STATUS_CODE, "line too short for a status code: " + printable(line));
        }
        int code = 0;
        for (int i = 0; i < 3; i++) {
            char c = line.charAt(i);
            if (c < '0' || c > '9') {
                throw new ControlProtocolException(Reason.BAD_STATUS_CODE, "not a status code: " + printable(line.substring(0, 3)));
            }
            code = code * 10 + (c - '0');
        }
        if (code < 100 || code > 699) {
            throw new ControlProtocolException(Reason.BAD_STATUS_CODE, "status code out of range: " + code);
        }
        return code;
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        decode(ctx, in, out);
        if (failed) {
            return;
        }
        String problem = null;
        if (in.isReadable()) {
            problem = "the stream ended inside a line (" + in.readableBytes() + " bytes without CRLF)";
            in.skipBytes(in.readableBytes());
        } else if (inData != null) {
            problem = "the stream ended inside a data block (no terminating \".\" line)";
        } else if (commandReply.inProgress() || event.inProgress()) {
            problem = "the stream ended inside a reply (no EndReplyLine)";
        }
        if (problem != null) {
            failed = true;
            throw new ControlProtocolException(Reason.MISSING_TERMINATOR, problem);
        }
    }

    /** For error messages: tor's bytes may be anything; show at most 40 characters, control characters escaped. */
    private static String printable(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < s.length() && i < 40; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\x%02x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append(s.length() > 40 ? "...\"" : "\"").toString();
    }
}
