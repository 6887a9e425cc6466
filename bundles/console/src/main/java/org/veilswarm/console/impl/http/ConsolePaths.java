package org.veilswarm.console.impl.http;

import java.util.regex.Pattern;

/**
 * The console's URL space and which part of it a request path belongs to.
 *
 * <p>Classification works on the raw request URI (before any decoding or normalisation by the container):
 * the only unauthenticated paths are matched exactly, so no encoding trick ({@code %2e%2e}, {@code ;},
 * {@code //}) can make an authenticated path look like an open one.
 */
public final class ConsolePaths {

    public static final String MANAGEMENT = "/management";
    public static final String API = "/api";
    public static final String UI = "/console";
    public static final String WEB_CONSOLE = "/system/console";

    /** {@code /management/<token>}: a base64url token, nothing else (no dots, slashes or escapes). */
    private static final Pattern MANAGEMENT_LOGIN = Pattern.compile("/management/[A-Za-z0-9_-]{1,128}");

    private ConsolePaths() {
    }

    /** The areas of the console, each with its own authentication and header rules. */
    public enum Area {
        /** {@code GET /management/<token>}: the only path open without credentials. */
        LOGIN,
        /** {@code /api/**}: JSON, CSRF token required for state changes. */
        API,
        /** {@code /system/console/**}: the Felix Web Console (its own scripts and forms). */
        WEB_CONSOLE,
        /** Everything else: the browser UI and whatever else is registered on this HTTP server. */
        OTHER
    }

    /** The area a raw request URI (path only, no query) belongs to. */
    public static Area classify(String rawPath) {
        if (rawPath == null) {
            return Area.OTHER;
        }
        if (MANAGEMENT_LOGIN.matcher(rawPath).matches()) {
            return Area.LOGIN;
        }
        if (isUnder(rawPath, API)) {
            return Area.API;
        }
        if (isUnder(rawPath, WEB_CONSOLE)) {
            return Area.WEB_CONSOLE;
        }
        return Area.OTHER;
    }

    private static boolean isUnder(String path, String prefix) {
        return path.equals(prefix) || path.startsWith(prefix + "/") || path.startsWith(prefix + ";");
    }
}
