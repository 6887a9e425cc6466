package org.veilswarm.console.impl;

import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;


import org.veilswarm.console.impl.http.JsonObject;
import org.veilswarm.console.impl.http.ApiException;
import org.veilswarm.console.impl.http.Json;

/** Request parsing shared by the shares and downloads servlets: path segments, methods, JSON fields. */
final class ApiPaths {

    /** Longest file system path accepted in a request. */
    static final int MAX_PATH = 4096;

    private ApiPaths() {
    }

    static List<String> segments(String pathInfo) throws ApiException {
        if (pathInfo == null || pathInfo.isEmpty() || pathInfo.equals("/")) {
            return List.of();
        }
        String trimmed = pathInfo.substring(1);
        if (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        List<String> segments = Arrays.asList(trimmed.split("/", -1));
        if (segments.contains("") || segments.size() > 3) {
            throw ApiException.notFound("no such API endpoint: " + abbreviate(pathInfo));
        }
        for (String segment : segments) {
            if (!segment.matches("[A-Za-z0-9_-]{1,100}")) {
                throw ApiException.badRequest("bad id in the path: '" + abbreviate(segment) + "'");
            }
        }
        return segments;
    }

    static ApiException notAllowed(String method, String path, String allowed) {
        return new ApiException(405, "method " + method + " not allowed on " + path + "; allowed: " + allowed,
                Map.of("Allow", allowed));
    }

    static void only(String method, String allowed, String path) throws ApiException {
        if (!method.equals(allowed)) {
            throw notAllowed(method, path, allowed);
        }
    }

    /** The JSON object body, or an empty object when the request has none. */
    static JsonObject optionalBody(HttpServletRequest request) throws ApiException, IOException {
        boolean hasBody = request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null;
        return hasBody ? Json.readObject(request.getInputStream()) : JsonObject.empty();
    }

    static void checkFields(JsonObject body, List<String> allowed) throws ApiException {
        for (String name : body.names()) {
            if (!allowed.contains(name)) {
                throw ApiException.badRequest("unknown field \"" + abbreviate(name) + "\"; allowed: "
                        + String.join(", ", allowed));
            }
        }
    }

    static boolean flag(JsonObject body, String name, boolean otherwise) throws ApiException {
        Object value = body.get(name);
        if (value == null) {
            return otherwise;
        }
        if (!(value instanceof Boolean flag)) {
            throw ApiException.badRequest("\"" + name + "\" must be true or false");
        }
        return flag;
    }

    static String text(JsonObject body, String name) throws ApiException {
        String text = body.string(name);
        if (text == null || text.isBlank()) {
            throw ApiException.badRequest("\"" + name + "\" must be a non-empty string");
        }
        return text;
    }

    /** An absolute path: the node runs elsewhere than the client's working directory, so relative is ambiguous. */
    static Path absolutePath(JsonObject body, String name) throws ApiException {
        String text = text(body, name);
        if (text.length() > MAX_PATH || text.indexOf('\0') >= 0) {
            throw ApiException.badRequest("\"" + name + "\" is longer than " + MAX_PATH + " characters or holds NUL");
        }
        try {
            Path path = Path.of(text);
            if (!path.isAbsolute()) {
                throw ApiException.badRequest("\"" + name + "\" must be an absolute path, got '" + abbreviate(text)
                        + "'");
            }
            return path.normalize();
        } catch (InvalidPathException e) {
            throw ApiException.badRequest("\"" + name + "\" is not a path: " + e.getReason());
        }
    }

    static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "...";
    }
}
