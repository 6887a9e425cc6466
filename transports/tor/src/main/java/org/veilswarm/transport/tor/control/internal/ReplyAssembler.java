package org.veilswarm.transport.tor.control.internal;

import java.util.ArrayList;
import java.util.List;
import org.veilswarm.transport.tor.control.ControlLimits;
import org.veilswarm.transport.tor.control.ControlProtocolException;
import org.veilswarm.transport.tor.control.ControlProtocolException.Reason;
import org.veilswarm.transport.tor.control.ControlReply;
import org.veilswarm.transport.tor.control.ReplyLine;

/** Collects the lines of one reply until its EndReplyLine, enforcing one status code and the size limit. */
final class ReplyAssembler {
    private final ControlLimits limits;
    private final List<ReplyLine> lines = new ArrayList<>();
    private int status = -1;
    private long bytes;
    private String dataLineText;
    private StringBuilder data;
    private int dataLines;

    ReplyAssembler(ControlLimits limits) {
        this.limits = limits;
    }

    boolean inProgress() {
        return status >= 0;
    }

    boolean inData() {
        return data != null;
    }

    void countBytes(int wireBytes) {
        bytes += wireBytes;
        if (bytes > limits.maxReplyBytes()) {
            throw new ControlProtocolException(Reason.REPLY_TOO_LARGE,
                    "reply exceeds " + limits.maxReplyBytes() + " bytes (status " + status + ")");
        }
    }

    void statusLine(int code, int wireBytes) {
        if (status >= 0 && code != status) {
            // control-spec §4: "Multiple lines in a single reply from Tor to the controller are guaranteed to share the same status code."
            throw new ControlProtocolException(Reason.MIXED_STATUS_CODES,
                    "line with status " + code + " inside a reply with status " + status);
        }
        status = code;
        countBytes(wireBytes);
    }

    void addLine(String text) {
        lines.add(new ReplyLine(text));
    }

    void startData(String text) {
        dataLineText = text;
        data = new StringBuilder();
        dataLines = 0;
    }

    /** One data line, already dot-unstuffed (control-spec §2.3 CmdData / §2.1 "..."). */
    void dataLine(String line, int wireBytes) {
        countBytes(wireBytes);
        if (dataLines++ > 0) {
            data.append('\n');
        }
        data.append(line);
    }

    void endData(int wireBytes) {
        countBytes(wireBytes);
        lines.add(new ReplyLine(dataLineText, data.toString()));
        data = null;
        dataLineText = null;
    }

    ControlReply finish() {
        ControlReply reply = new ControlReply(status, lines);
        lines.clear();
        status = -1;
        bytes = 0;
        return reply;
    }
}
