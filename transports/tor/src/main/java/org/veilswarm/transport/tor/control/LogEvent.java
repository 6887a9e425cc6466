package org.veilswarm.transport.tor.control;

/**
 * {@code 650 DEBUG|INFO|NOTICE|WARN|ERR <message>} (control-spec §4.1.5); multi-line messages come as
 * a data reply and keep their line breaks.
 */
public record LogEvent(String severity, String message, ControlReply reply) implements TorEvent {
    @Override
    public String type() {
        return severity;
    }
}
