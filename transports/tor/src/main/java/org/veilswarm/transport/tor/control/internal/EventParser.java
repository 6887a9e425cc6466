package org.veilswarm.transport.tor.control.internal;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.veilswarm.transport.tor.control.BandwidthEvent;
import org.veilswarm.transport.tor.control.CircuitBandwidthEvent;
import org.veilswarm.transport.tor.control.CircuitEvent;
import org.veilswarm.transport.tor.control.ControlReply;
import org.veilswarm.transport.tor.control.LogEvent;
import org.veilswarm.transport.tor.control.OtherEvent;
import org.veilswarm.transport.tor.control.ReplyLine;
import org.veilswarm.transport.tor.control.StatusEvent;
import org.veilswarm.transport.tor.control.TorEvent;

/** 650 replies to typed {@link TorEvent}s (control-spec §4.1). Never throws: what does not parse becomes an {@link OtherEvent}. */
public final class EventParser {
    private static final Set<String> LOG_SEVERITIES = Set.of("DEBUG", "INFO", "NOTICE", "WARN", "ERR");
    private static final Set<String> STATUS_TYPES = Set.of("STATUS_GENERAL", "STATUS_CLIENT", "STATUS_SERVER");

    private EventParser() {
    }

    public static TorEvent parse(ControlReply reply) {
        ReplyLine first = reply.lines().get(0);
        String text = first.text();
        int space = text.indexOf(' ');
        String type = space < 0 ? text : text.substring(0, space);
        String rest = space < 0 ? "" : text.substring(space + 1);
        try {
            if (LOG_SEVERITIES.contains(type)) {
                // §4.1.5: a multi-line message is a data reply: "650+NOTICE" CRLF lines "." CRLF "650 OK".
                return new LogEvent(type, first.data().orElse(rest), reply);
            }
            ReplyTokens tokens = ReplyTokens.parse(rest);
            List<String> words = tokens.positional();
            Map<String, String> args = tokens.keywords();
            switch (type) {
                case "BW" -> {
                    if (words.size() < 2) {
                        return new OtherEvent(type, "BW needs <read> <written>", reply);
                    }
                    return new BandwidthEvent(nonNegative(words.get(0)), nonNegative(words.get(1)), reply);
                }
                case "CIRC" -> {
                    if (words.size() < 2) {
                        return new OtherEvent(type, "CIRC needs <id> <status>", reply);
                    }
                    List<String> path = words.size() > 2 ? List.of(words.get(2).split(",")) : List.of();
                    return new CircuitEvent(words.get(0), words.get(1), path, args, reply);
                }
                case "CIRC_BW" -> {
                    String id = args.get("ID");
                    if (id == null || !args.containsKey("READ") || !args.containsKey("WRITTEN")) {
                        return new OtherEvent(type, "CIRC_BW needs ID, READ and WRITTEN", reply);
                    }
                    return new CircuitBandwidthEvent(id, nonNegative(args.get("READ")), nonNegative(args.get("WRITTEN")), args, reply);
                }
                default -> {
                    if (STATUS_TYPES.contains(type)) {
                        if (words.size() < 2) {
                            return new OtherEvent(type, type + " needs <severity> <action>", reply);
                        }
                        return new StatusEvent(type, words.get(0), words.get(1), args, reply);
                    }
                    return new OtherEvent(type, null, reply);
                }
            }
        } catch (IllegalArgumentException e) {
            return new OtherEvent(type, e.getMessage(), reply);
        }
    }

    private static long nonNegative(String number) {
        long value;
        try {
            value = Long.parseLong(number);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a byte count: " + number);
        }
        if (value < 0) {
            throw new IllegalArgumentException("negative byte count: " + number);
        }
        return value;
    }
}
