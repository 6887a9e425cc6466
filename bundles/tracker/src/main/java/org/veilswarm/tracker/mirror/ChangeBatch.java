package org.veilswarm.tracker.mirror;

import java.util.List;
import java.util.Objects;

import org.veilswarm.api.tracker.Change;

/**
 * The changes of one share in the source's feed range {@code (from, to]}: every change of the share in that
 * range, in order (changes of other shares are left out, which is why the range is stated and not implied by
 * the sequence numbers). The mirror continues with {@code since=to}.
 *
 * @param epoch the source's feed history
 * @param from the mirror's position the batch continues from
 * @param to the last source sequence number the batch covers ({@code to == from}: nothing new)
 * @param changes the share's changes with their source sequence numbers, strictly increasing, in the range
 */
public record ChangeBatch(FeedEpoch epoch, long from, long to, List<Change> changes) {
    public ChangeBatch {
        Objects.requireNonNull(epoch, "epoch");
        if (from < 0 || to < from) {
            throw new IllegalArgumentException("need 0 <= from <= to, got (" + from + ", " + to + "]");
        }
        changes = List.copyOf(changes);
    }
}
