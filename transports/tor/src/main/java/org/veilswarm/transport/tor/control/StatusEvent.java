package org.veilswarm.transport.tor.control;

import java.util.Map;

/**
 * {@code 650 STATUS_CLIENT|STATUS_GENERAL|STATUS_SERVER <severity> <action> [keyword=value ...]}
 * (control-spec §4.1.10), e.g. {@code STATUS_CLIENT NOTICE BOOTSTRAP PROGRESS=5 TAG=conn ...}.
 */
public record StatusEvent(String type, String severity, String action, Map<String, String> arguments,
        ControlReply reply) implements TorEvent {
    public StatusEvent {
        arguments = Map.copyOf(arguments);
    }

    /** A BOOTSTRAP action as a {@link BootstrapStatus}, if this is one with a numeric PROGRESS. */
    public java.util.Optional<BootstrapStatus> bootstrap() {
        if (!"BOOTSTRAP".equals(action)) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.of(new BootstrapStatus(severity, Integer.parseInt(arguments.getOrDefault("PROGRESS", "")),
                    arguments.getOrDefault("TAG", ""), arguments.getOrDefault("SUMMARY", ""), arguments));
        } catch (NumberFormatException e) {
            return java.util.Optional.empty();
        }
    }
}
