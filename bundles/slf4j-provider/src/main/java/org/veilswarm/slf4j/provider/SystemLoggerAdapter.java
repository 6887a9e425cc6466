package org.veilswarm.slf4j.provider;

import java.lang.System.Logger.Level;

import org.slf4j.Marker;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/**
 * An slf4j logger that writes to a {@link System.Logger} of the same name. slf4j's {@code AbstractLogger} has
 * already checked the level (with the {@code isXEnabled} methods below) and split a trailing throwable off the
 * arguments when {@link #handleNormalizedLoggingCall} runs, so the {@code {}} placeholders are filled only for
 * records that are written. Markers and MDC values are not written (no library the node runs depends on them).
 */
final class SystemLoggerAdapter extends LegacyAbstractLogger {
    private static final long serialVersionUID = 1L;

    private final transient System.Logger target;

    SystemLoggerAdapter(String name, System.Logger target) {
        this.name = name;
        this.target = target;
    }

    static Level levelOf(org.slf4j.event.Level level) {
        switch (level) {
            case ERROR:
                return Level.ERROR;
            case WARN:
                return Level.WARNING;
            case INFO:
                return Level.INFO;
            case DEBUG:
                return Level.DEBUG;
            default:
                return Level.TRACE;
        }
    }

    @Override
    public boolean isTraceEnabled() {
        return target.isLoggable(Level.TRACE);
    }

    @Override
    public boolean isDebugEnabled() {
        return target.isLoggable(Level.DEBUG);
    }

    @Override
    public boolean isInfoEnabled() {
        return target.isLoggable(Level.INFO);
    }

    @Override
    public boolean isWarnEnabled() {
        return target.isLoggable(Level.WARNING);
    }

    @Override
    public boolean isErrorEnabled() {
        return target.isLoggable(Level.ERROR);
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(org.slf4j.event.Level level, Marker marker, String messagePattern,
            Object[] arguments, Throwable throwable) {
        Level to = levelOf(level);
        String message = arguments == null || arguments.length == 0 ? messagePattern
                : MessageFormatter.basicArrayFormat(messagePattern, arguments);
        if (throwable == null) {
            target.log(to, message);
        } else {
            target.log(to, message, throwable);
        }
    }
}
