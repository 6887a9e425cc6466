package org.veilswarm.console.impl.logs;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.framework.Bundle;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogListener;
import org.osgi.service.log.LogReaderService;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Keeps the framework's recent log lines for the console's log page: listens to every {@link LogReaderService}
 * (OSGi Compendium 101.4; Felix Log in the distribution) and copies entries as text into a bounded buffer.
 * Without a log reader the buffer stays empty and {@link #available()} says so.
 */
@Component(service = LogCollector.class, configurationPid = LogCollector.PID, immediate = true)
@Designate(ocd = LogCollector.Config.class)
public final class LogCollector {

    public static final String PID = "org.veilswarm.console.logs";

    @ObjectClassDefinition(name = "Veilswarm console logs", description = "How many log lines the console keeps.")
    public @interface Config {
        @AttributeDefinition(name = "Lines kept", min = "10", max = "100000")
        int linesKept() default 2000;
    }

    private final LogBuffer buffer;
    private final Map<LogReaderService, LogListener> listeners = new ConcurrentHashMap<>();

    @Activate
    public LogCollector(Config config) {
        this.buffer = new LogBuffer(Math.max(10, config.linesKept()));
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addReader(LogReaderService reader) {
        // The reader's own history comes newest first (101.4.1): replay it oldest first.
        List<LogEntry> history = new ArrayList<>();
        for (Enumeration<LogEntry> e = reader.getLog(); e.hasMoreElements();) {
            history.add(e.nextElement());
        }
        Collections.reverse(history);
        history.forEach(entry -> buffer.add(toLine(entry)));
        LogListener listener = entry -> buffer.add(toLine(entry));
        listeners.put(reader, listener);
        reader.addLogListener(listener);
    }

    void removeReader(LogReaderService reader) {
        LogListener listener = listeners.remove(reader);
        if (listener != null) {
            try {
                reader.removeLogListener(listener);
            } catch (RuntimeException e) {
                // The reader's bundle is already stopping; its listeners go with it.
            }
        }
    }

    public boolean available() {
        return !listeners.isEmpty();
    }

    public List<LogLine> lines() {
        return buffer.snapshot();
    }

    static LogLine toLine(LogEntry entry) {
        Bundle bundle = entry.getBundle();
        String source = entry.getLoggerName() != null && !entry.getLoggerName().isEmpty()
                && !entry.getLoggerName().equals("LogService")
                ? entry.getLoggerName() : bundle == null ? "" : bundle.getSymbolicName();
        String message = entry.getMessage();
        Throwable error = entry.getException();
        if (error != null) {
            message = message + " (" + error.getClass().getName()
                    + (error.getMessage() == null ? "" : ": " + error.getMessage()) + ")";
        }
        return new LogLine(Instant.ofEpochMilli(entry.getTime()), entry.getLogLevel().name(), source, message);
    }
}
