package org.veilswarm.transport.tor.control;

import java.util.List;
import java.util.Objects;

/**
 * A complete reply from tor (control-spec §2.3, §4): one status code shared by all its lines (tor
 * guarantees that), at least one line, the last being the EndReplyLine. Status 6xx marks an
 * asynchronous event (§4.1) rather than the answer to a command.
 */
public final class ControlReply {
    private final int status;
    private final List<ReplyLine> lines;

    public ControlReply(int status, List<ReplyLine> lines) {
        if (status < 100 || status > 699) {
            throw new IllegalArgumentException("status code out of range: " + status);
        }
        if (lines.isEmpty()) {
            throw new IllegalArgumentException("a reply has at least one line");
        }
        this.status = status;
        this.lines = List.copyOf(lines);
    }

    public int status() {
        return status;
    }

    public List<ReplyLine> lines() {
        return lines;
    }

    /** 2xx: the command succeeded (control-spec §4). */
    public boolean isSuccess() {
        return status / 100 == 2;
    }

    /** 6xx: an asynchronous event, not a command's answer. */
    public boolean isAsync() {
        return status / 100 == 6;
    }

    /** The text of the first line: for a failure this is tor's message, for an event its keyword and arguments. */
    public String firstText() {
        return lines.get(0).text();
    }

    /** The text of the last line (the EndReplyLine), e.g. {@code "OK"}. */
    public String lastText() {
        return lines.get(lines.size() - 1).text();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ControlReply other && status == other.status && lines.equals(other.lines);
    }

    @Override
    public int hashCode() {
        return Objects.hash(status, lines);
    }

    @Override
    public String toString() {
        return status + " " + lines;
    }
}
