package org.veilswarm.tracker.interop;

import java.nio.file.Path;
import java.util.List;

import org.veilswarm.api.tracker.InfoHash;

/** Lets the benchmark package start the opentracker harness. */
public final class OpentrackerAccess {
    private OpentrackerAccess() {
    }

    public static AutoCloseable start(Path dir, List<InfoHash> whitelist) throws Exception {
        return new Opentracker(dir, whitelist);
    }

    public static long pid(AutoCloseable opentracker) {
        return ((Opentracker) opentracker).pid();
    }

    public static int port(AutoCloseable opentracker) {
        return ((Opentracker) opentracker).port;
    }
}
