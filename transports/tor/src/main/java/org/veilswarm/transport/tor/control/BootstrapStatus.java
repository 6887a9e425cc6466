package org.veilswarm.transport.tor.control;

import java.util.Map;

/**
 * {@code GETINFO status/bootstrap-phase} or a BOOTSTRAP status event (control-spec §5.1, "Bootstrap
 * phase"), e.g. {@code NOTICE BOOTSTRAP PROGRESS=100 TAG=done SUMMARY="Done"}.
 *
 * @param severity NOTICE normally, WARN when bootstrapping has problems
 * @param progress 0 to 100
 * @param arguments every keyword argument, including PROGRESS, TAG, SUMMARY and, on WARN, REASON etc.
 */
public record BootstrapStatus(String severity, int progress, String tag, String summary, Map<String, String> arguments) {
    public BootstrapStatus {
        arguments = Map.copyOf(arguments);
    }

    public boolean isDone() {
        return progress >= 100;
    }
}
