package org.veilswarm.transport.tor.control.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import org.veilswarm.transport.tor.control.ControlLimits;
import org.veilswarm.transport.tor.control.ControlProtocolException;
import org.veilswarm.transport.tor.control.ControlReply;
import org.veilswarm.transport.tor.control.ReplyLine;

/**
 * The properties every input must keep, shared by the Jazzer target and the seeded mutation test:
 * only {@link ControlProtocolException} escapes; the outcome (replies, then the error reason if any)
 * is the same whole and in small chunks; and what decodes re-encodes, dot-stuffed, to bytes that decode
 * to the same replies.
 */
final class ReplyFuzzing {
    /** Small limits, so that fuzzed inputs reach them. */
    static final ControlLimits LIMITS = new ControlLimits(64, 512);

    private ReplyFuzzing() {
    }

    record Outcome(List<ControlReply> replies, ControlProtocolException.Reason error) {
    }

    /** Byte by byte against whole. */
    static void check(byte[] input) {
        check(input, 1);
    }

    /** Chunks of {@code chunk} bytes against whole. */
    static void check(byte[] input, int chunk) {
        Outcome whole = outcome(input, Math.max(1, input.length));
        Outcome chunked = outcome(input, chunk);
        assertEquals(whole, chunked, "chunking changed the outcome");
        if (whole.error() == null) {
            for (ControlReply reply : whole.replies()) {
                assertFalse(reply.lines().get(reply.lines().size() - 1).hasData(), "a reply ends with an EndReplyLine");
            }
            byte[] reencoded = encode(whole.replies()).getBytes(StandardCharsets.UTF_8);
            Outcome again = outcome(reencoded, Math.max(1, reencoded.length));
            // Re-encoding can only lengthen data lines by one '.', which may cross the small line limit.
            if (again.error() != ControlProtocolException.Reason.LINE_TOO_LONG
                    && again.error() != ControlProtocolException.Reason.REPLY_TOO_LARGE) {
                assertEquals(new Outcome(whole.replies(), null), again, "re-encoded replies decode differently");
            }
        }
    }

    private static Outcome outcome(byte[] input, int chunk) {
        List<ControlReply> replies = new java.util.ArrayList<>();
        try {
            replies.addAll(Decoding.decode(input, chunk, LIMITS));
            return new Outcome(replies, null);
        } catch (ControlProtocolException e) {
            Objects.requireNonNull(e.reason());
            // Replies decoded before the error are not returned by Decoding; comparing reasons suffices.
            return new Outcome(List.of(), e.reason());
        }
    }

    /** Replies back to wire form (control-spec §2.3), dot-stuffing data lines that start with '.'. */
    static String encode(List<ControlReply> replies) {
        StringBuilder out = new StringBuilder();
        for (ControlReply reply : replies) {
            List<ReplyLine> lines = reply.lines();
            for (int i = 0; i < lines.size(); i++) {
                ReplyLine line = lines.get(i);
                char separator = i == lines.size() - 1 ? ' ' : line.hasData() ? '+' : '-';
                out.append(String.format("%03d", reply.status())).append(separator).append(line.text()).append("\r\n");
                if (line.hasData()) {
                    String data = line.data().orElseThrow();
                    if (!data.isEmpty()) {
                        for (String dataLine : data.split("\n", -1)) {
                            out.append(dataLine.startsWith(".") ? "." : "").append(dataLine).append("\r\n");
                        }
                    }
                    out.append(".\r\n");
                }
            }
        }
        return out.toString();
    }
}
