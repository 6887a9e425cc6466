package org.veilswarm.console.impl.http;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Maps a method and a path below {@code /api} to an {@link Operation}: the whole REST surface in one table.
 *
 * <p>Unknown paths are 404, known paths with another method 405 (with {@code Allow}, RFC 9110 §15.5.6),
 * and a bundle id that is not a non-negative decimal number 400.
 */
public final class ApiRouter {

    /** Everything the API can do. */
    public enum Operation {
        NODE_STATUS, SESSION, LOGOUT, LIST_BUNDLES, INSTALL_BUNDLE, BUNDLE_DETAIL, UNINSTALL_BUNDLE,
        START_BUNDLE, STOP_BUNDLE, UPDATE_BUNDLE, LIST_COMPONENTS
    }

    /**
     * A routed request.
     *
     * @param operation what to do
     * @param bundleId the bundle the path names, or -1
     */
    public record Route(Operation operation, long bundleId) {
    }

    private static final String ID = "{id}";
    /** Path shape (segments) → method → operation. */
    private static final Map<List<String>, Map<String, Operation>> TABLE = new LinkedHashMap<>();

    static {
        add("GET", "node", Operation.NODE_STATUS);
        add("GET", "session", Operation.SESSION);
        add("POST", "logout", Operation.LOGOUT);
        add("GET", "bundles", Operation.LIST_BUNDLES);
        add("POST", "bundles", Operation.INSTALL_BUNDLE);
        add("GET", "bundles/" + ID, Operation.BUNDLE_DETAIL);
        add("DELETE", "bundles/" + ID, Operation.UNINSTALL_BUNDLE);
        add("POST", "bundles/" + ID + "/start", Operation.START_BUNDLE);
        add("POST", "bundles/" + ID + "/stop", Operation.STOP_BUNDLE);
        add("POST", "bundles/" + ID + "/update", Operation.UPDATE_BUNDLE);
        add("GET", "components", Operation.LIST_COMPONENTS);
    }

    private ApiRouter() {
    }

    private static void add(String method, String path, Operation operation) {
        TABLE.computeIfAbsent(List.of(path.split("/")), k -> new LinkedHashMap<>()).put(method, operation);
    }

    /**
     * @param method the HTTP method
     * @param path the path below {@code /api} (the servlet's path info), e.g. {@code /bundles/7/start}
     */
    public static Route route(String method, String path) throws ApiException {
        String shown = "/api" + (path == null ? "" : path);
        List<String> segments = segments(path);
        long id = -1;
        List<String> shape = new ArrayList<>(segments);
        if (segments.size() >= 2 && segments.get(0).equals("bundles")) {
            shape.set(1, ID);
        }
        Map<String, Operation> byMethod = segments.isEmpty() ? null : TABLE.get(shape);
        if (byMethod == null) {
            throw ApiException.notFound("no such API endpoint: " + shown);
        }
        if (shape.size() >= 2) {
            id = parseBundleId(segments.get(1));
        }
        Operation operation = byMethod.get(method.toUpperCase(Locale.ROOT));
        if (operation == null) {
            throw new ApiException(405, "method " + method + " not allowed on " + shown + "; allowed: "
                    + String.join(", ", byMethod.keySet()), Map.of("Allow", String.join(", ", byMethod.keySet())));
        }
        return new Route(operation, id);
    }

    private static List<String> segments(String path) {
        if (path == null || path.isEmpty() || path.equals("/")) {
            return List.of();
        }
        String trimmed = path.startsWith("/") ? path.substring(1) : path;
        if (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        List<String> segments = Arrays.asList(trimmed.split("/", -1));
        return segments.contains("") ? List.of("", "") : segments;
    }

    private static long parseBundleId(String text) throws ApiException {
        boolean digits = !text.isEmpty() && text.length() <= 18 && text.chars().allMatch(c -> c >= '0' && c <= '9');
        if (!digits) {
            throw ApiException.badRequest("bundle id must be a non-negative integer, got '" + abbreviate(text) + "'");
        }
        return Long.parseLong(text);
    }

    private static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "...";
    }
}
