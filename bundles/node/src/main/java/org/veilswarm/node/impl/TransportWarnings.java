package org.veilswarm.node.impl;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import org.veilswarm.api.transport.Anonymity;
import org.veilswarm.api.transport.TransportInfo;

/** The warnings an operator must see about the transports the node can use. */
final class TransportWarnings {

    static final String NONE_BOUND = "no transport bound: the node cannot reach or be reached";
    static final String NO_ANONYMOUS_TRANSPORT = "no anonymous transport is bound";

    private TransportWarnings() {
    }

    /**
     * Warnings for the given transports, as they describe themselves: none bound; none of them anonymous
     * (the node as a whole is not anonymous); or some of them not anonymous next to anonymous ones (streams
     * on those still expose the node's IP address).
     */
    static List<String> of(List<TransportInfo> transports) {
        if (transports.isEmpty()) {
            return List.of(NONE_BOUND);
        }
        List<TransportInfo> exposing = transports.stream().filter(t -> !t.anonymous()).toList();
        if (exposing.isEmpty()) {
            return List.of();
        }
        List<String> warnings = new ArrayList<>();
        if (exposing.size() == transports.size()) {
            warnings.add(Anonymity.NONE.description() + "; " + NO_ANONYMOUS_TRANSPORT + " ("
                    + exposing.stream().map(t -> t.scheme() + ": " + t.summary()).collect(Collectors.joining("; "))
                    + ")");
        } else {
            String anonymous = transports.stream().filter(TransportInfo::anonymous).map(TransportInfo::scheme)
                    .collect(Collectors.joining(", "));
            for (TransportInfo t : exposing) {
                warnings.add(t.describe() + ". Only streams on the anonymous transports (" + anonymous
                        + ") hide this node.");
            }
        }
        return warnings;
    }
}
