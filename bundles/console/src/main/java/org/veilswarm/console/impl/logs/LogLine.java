package org.veilswarm.console.impl.logs;

import java.time.Instant;
import java.util.Objects;

/**
 * One log entry as the console keeps it: only text, never the exception object or the bundle, so the buffer
 * pins no class loader of an uninstalled bundle.
 *
 * @param time when it was logged
 * @param level OSGi log level name (AUDIT, ERROR, WARN, INFO, DEBUG, TRACE)
 * @param source the bundle's symbolic name, or the logger name
 * @param message the message, with the exception's class and message appended when there was one
 */
public record LogLine(Instant time, String level, String source, String message) {

    /** Longer messages are cut: one runaway log call must not fill the buffer's memory. */
    public static final int MAX_MESSAGE = 2000;

    public LogLine {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(level, "level");
        source = source == null ? "" : source;
        message = message == null ? "" : message;
        if (message.length() > MAX_MESSAGE) {
            message = message.substring(0, MAX_MESSAGE) + "…";
        }
    }
}
