package org.veilswarm.tracker.mirror;

import java.util.Optional;

/**
 * What a mirror has done so far (for the console and tests).
 *
 * @param epoch the source epoch followed, if positioned
 * @param sequence the last source sequence applied
 * @param snapshots snapshots applied
 * @param batches change batches applied (empty ones included)
 * @param changes changes applied from batches
 * @param bytes bytes of accepted documents (signed envelopes)
 * @param rejected documents or answers refused (bad signature, malformed, oversized, stalled, unreachable)
 * @param lastError the last refusal or failure, cleared by the next success
 */
public record MirrorStatus(Optional<FeedEpoch> epoch, long sequence, long snapshots, long batches, long changes,
        long bytes, long rejected, Optional<String> lastError) {
}
