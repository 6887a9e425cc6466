package org.veilswarm.transport.tor.control;

/**
 * An asynchronous event from tor (control-spec §4.1), parsed as far as monitoring needs. Every event
 * keeps its raw {@link ControlReply}; events this client does not type, or typed events whose
 * arguments did not parse, arrive as {@link OtherEvent}.
 */
public sealed interface TorEvent permits BandwidthEvent, CircuitEvent, CircuitBandwidthEvent, StatusEvent, LogEvent,
        OtherEvent {
    /** The event keyword as in SETEVENTS, e.g. {@code BW} or {@code STATUS_CLIENT}. */
    String type();

    ControlReply reply();
}
