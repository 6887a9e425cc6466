package org.veilswarm.console.impl.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.veilswarm.console.impl.http.ConsolePaths.Area.API;
import static org.veilswarm.console.impl.http.ConsolePaths.Area.LOGIN;
import static org.veilswarm.console.impl.http.ConsolePaths.Area.OTHER;
import static org.veilswarm.console.impl.http.ConsolePaths.Area.WEB_CONSOLE;

import org.junit.jupiter.api.Test;

class ConsolePathsTest {

    @Test
    void onlyAPlainTokenPathIsTheOpenLoginPath() {
        assertEquals(LOGIN, ConsolePaths.classify("/management/abcDEF123_-"));
        assertEquals(LOGIN, ConsolePaths.classify("/management/ping-0123abcd"));
        for (String tricky : new String[] {"/management/", "/management", "/management/a/b",
                "/management/../system/console", "/management/%2e%2e/api/bundles", "/management/a;b",
                "/management/a.b", "/management/a/", "//management/a", "/management/" + "a".repeat(129)}) {
            assertEquals(OTHER, ConsolePaths.classify(tricky), tricky);
        }
    }

    @Test
    void classifiesTheAreas() {
        assertEquals(API, ConsolePaths.classify("/api"));
        assertEquals(API, ConsolePaths.classify("/api/bundles/1"));
        assertEquals(API, ConsolePaths.classify("/api;x=y/bundles"));
        assertEquals(OTHER, ConsolePaths.classify("/apix"));
        assertEquals(WEB_CONSOLE, ConsolePaths.classify("/system/console"));
        assertEquals(WEB_CONSOLE, ConsolePaths.classify("/system/console/bundles"));
        assertEquals(OTHER, ConsolePaths.classify("/console/"));
        assertEquals(OTHER, ConsolePaths.classify("/"));
        assertEquals(OTHER, ConsolePaths.classify(null));
    }
}
