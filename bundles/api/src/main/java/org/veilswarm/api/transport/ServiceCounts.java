package org.veilswarm.api.transport;

import java.util.Map;
import java.util.TreeMap;

/**
 * What a transport's onion services did, for the console's statistics (issue #5's refused introductions and
 * failed connects, seen by the operator): a snapshot, counts since the transport started. Transports that run no
 * onion services of their own, or cannot see inside them (the tor transport: C tor keeps these to itself), report
 * none ({@link Transport#serviceCounts()} is empty).
 *
 * <p>Reasons are short lower-case words joined by hyphens ({@code replay}, {@code not-authentic},
 * {@code descriptor-not-found}), stable across releases so that scripts can read them; a reason never seen is
 * absent from its map rather than zero.
 *
 * @param published services published now (a share on K services counts K)
 * @param connections streams' rendezvous circuits of this node's services open now
 * @param descriptorUploads descriptors an HSDir stored, over every service and time period
 * @param introductionsAccepted INTRODUCE2 cells this node's services accepted and answered with a rendezvous
 * @param introductionsRefused INTRODUCE2 cells refused or dropped, by reason (a flood, a replay, a stale
 *                             descriptor's keys)
 * @param rendezvousFailed accepted introductions whose circuit to the client's rendezvous point failed
 * @param introPointsReplaced introduction points replaced: worn out (rotated) or lost with their circuit
 * @param connectsSucceeded streams this node opened to onion services
 * @param connectsFailed connects to onion services that failed, by the step that failed
 * @since 1.4
 */
public record ServiceCounts(int published, int connections, long descriptorUploads, long introductionsAccepted,
        Map<String, Long> introductionsRefused, long rendezvousFailed, long introPointsReplaced,
        long connectsSucceeded, Map<String, Long> connectsFailed) {

    public ServiceCounts {
        if (published < 0 || connections < 0 || descriptorUploads < 0 || introductionsAccepted < 0
                || rendezvousFailed < 0 || introPointsReplaced < 0 || connectsSucceeded < 0) {
            throw new IllegalArgumentException("service counts cannot be negative: published " + published
                    + ", connections " + connections + ", uploads " + descriptorUploads + ", accepted "
                    + introductionsAccepted + ", rendezvous failed " + rendezvousFailed + ", intro points replaced "
                    + introPointsReplaced + ", connects " + connectsSucceeded);
        }
        introductionsRefused = byReason(introductionsRefused, "introductionsRefused");
        connectsFailed = byReason(connectsFailed, "connectsFailed");
    }

    /** All introductions refused or dropped, whatever the reason. */
    public long introductionsRefusedTotal() {
        return introductionsRefused.values().stream().mapToLong(Long::longValue).sum();
    }

    /** All failed connects, whatever the step. */
    public long connectsFailedTotal() {
        return connectsFailed.values().stream().mapToLong(Long::longValue).sum();
    }

    /** An unmodifiable copy sorted by reason, checked: reasons as the class comment says, counts above zero. */
    private static Map<String, Long> byReason(Map<String, Long> counts, String what) {
        Map<String, Long> sorted = new TreeMap<>();
        counts.forEach((reason, count) -> {
            if (reason == null || !reason.matches("[a-z0-9]+(-[a-z0-9]+)*")) {
                throw new IllegalArgumentException(what + ": a reason is lower-case words joined by hyphens, not "
                        + (reason == null ? "null" : "'" + reason + "'"));
            }
            if (count == null || count <= 0) {
                throw new IllegalArgumentException(what + ": the count of '" + reason + "' must be above zero, not "
                        + count + " (a reason never seen is left out)");
            }
            sorted.put(reason, count);
        });
        return java.util.Collections.unmodifiableMap(sorted);
    }
}
