package org.veilswarm.transport.tor.control;

/** Any event not typed here, or a typed one whose arguments did not parse ({@link #problem()} says why). */
public record OtherEvent(String type, String problem, ControlReply reply) implements TorEvent {
}
