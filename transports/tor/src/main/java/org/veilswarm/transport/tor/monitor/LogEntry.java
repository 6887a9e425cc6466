package org.veilswarm.transport.tor.monitor;

import java.time.Instant;

/**
 * A log line of tor's, with consecutive repeats folded in as Nyx does ("message ×N").
 *
 * @param severity NOTICE, WARN or ERR
 * @param message tor's text
 * @param count how many times in a row tor sent it (at least 1)
 * @param first when the first of them arrived
 * @param last when the last of them arrived
 */
public record LogEntry(String severity, String message, int count, Instant first, Instant last) {
    /** {@code [WARN] message ×3}, the form the console shows. */
    public String display() {
        return "[" + severity + "] " + message + (count > 1 ? " \u00d7" + count : "");
    }
}
