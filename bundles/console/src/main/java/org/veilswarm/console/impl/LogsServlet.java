package org.veilswarm.console.impl;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.LogLevel;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletName;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;
import org.veilswarm.console.impl.auth.Principal;
import org.veilswarm.console.impl.http.ApiException;
import org.veilswarm.console.impl.logs.LogCollector;
import org.veilswarm.console.impl.logs.LogDeduplicator;
import org.veilswarm.console.impl.logs.LogGroup;
import org.veilswarm.console.impl.logs.LogLine;

/**
 * {@code GET /api/logs?level=warn&limit=200&dedup=true}: recent log lines, repeated ones folded into
 * "message ×N" groups (docs/console.md).
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern("/api/logs")
@HttpWhiteboardServletName("veilswarm-console-logs")
public final class LogsServlet extends GuardedApiServlet {

    private static final long serialVersionUID = 1L;
    static final int MAX_LIMIT = 1000;

    private final transient LogCollector collector;

    @Activate
    public LogsServlet(@Reference ConsoleAccess access, @Reference LogCollector collector) {
        super(access);
        this.collector = collector;
    }

    @Override
    void answer(Principal principal, HttpServletRequest request, HttpServletResponse response)
            throws IOException, ApiException {
        ApiPaths.only(request.getMethod(), "GET", "/api/logs");
        LogLevel least = level(request.getParameter("level"));
        int limit = limit(request.getParameter("limit"));
        boolean dedup = flag(request.getParameter("dedup"));
        List<LogLine> lines = new ArrayList<>();
        for (LogLine line : collector.lines()) {
            if (LogLevel.valueOf(line.level()).ordinal() <= least.ordinal()) {
                lines.add(line);
            }
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("available", collector.available());
        json.put("level", least.name());
        json.put("dedup", dedup);
        json.put("entries", dedup ? groups(LogDeduplicator.fold(lines), limit) : plain(lines, limit));
        HttpResponses.json(response, 200, json);
    }

    private static List<Map<String, Object>> groups(List<LogGroup> groups, int limit) {
        List<Map<String, Object>> json = new ArrayList<>();
        for (LogGroup group : groups.subList(0, Math.min(limit, groups.size()))) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("time", group.last().toEpochMilli());
            entry.put("first", group.first().toEpochMilli());
            entry.put("level", group.level());
            entry.put("source", group.source());
            entry.put("message", group.message());
            entry.put("count", group.count());
            json.add(entry);
        }
        return json;
    }

    /** Newest first, like the groups. */
    private static List<Map<String, Object>> plain(List<LogLine> lines, int limit) {
        List<Map<String, Object>> json = new ArrayList<>();
        for (int i = lines.size() - 1; i >= 0 && json.size() < limit; i--) {
            LogLine line = lines.get(i);
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("time", line.time().toEpochMilli());
            entry.put("level", line.level());
            entry.put("source", line.source());
            entry.put("message", line.message());
            entry.put("count", 1);
            json.add(entry);
        }
        return json;
    }

    static LogLevel level(String text) throws ApiException {
        if (text == null || text.isBlank()) {
            return LogLevel.INFO;
        }
        String name = text.strip().toUpperCase(Locale.ROOT);
        if (name.equals("WARNING")) {
            name = "WARN";
        }
        try {
            return LogLevel.valueOf(name);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("level must be one of audit, error, warn, info, debug, trace; got '"
                    + abbreviate(text) + "'");
        }
    }

    static int limit(String text) throws ApiException {
        if (text == null || text.isBlank()) {
            return 200;
        }
        if (!text.matches("[0-9]{1,7}")) {
            throw ApiException.badRequest("limit must be a number from 1 to " + MAX_LIMIT + ", got '"
                    + abbreviate(text) + "'");
        }
        int limit = Integer.parseInt(text);
        if (limit < 1 || limit > MAX_LIMIT) {
            throw ApiException.badRequest("limit must be from 1 to " + MAX_LIMIT + ", got " + limit);
        }
        return limit;
    }

    static boolean flag(String text) throws ApiException {
        if (text == null || text.isBlank() || text.equalsIgnoreCase("true")) {
            return true;
        }
        if (text.equalsIgnoreCase("false")) {
            return false;
        }
        throw ApiException.badRequest("dedup must be true or false, got '" + abbreviate(text) + "'");
    }

    private static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "...";
    }
}
