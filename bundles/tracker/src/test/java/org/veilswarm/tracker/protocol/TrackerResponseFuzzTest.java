package org.veilswarm.tracker.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import org.veilswarm.api.tracker.InfoHash;
import org.veilswarm.api.tracker.SwarmCounts;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer targets for what our tracker client reads from other trackers (opentracker, a mirror, anyone a share
 * link or a torrent names): announce and scrape answers. A plain {@code mvn verify} runs each seed in
 * {@code src/test/resources/org/veilswarm/tracker/protocol/TrackerResponseFuzzTestInputs/<method>/} once;
 * {@code JAZZER_FUZZ=1} mutates (docs/fuzzing.md).
 */
class TrackerResponseFuzzTest {

    /**
     * Only the two checked exceptions escape (a tracker's failure reason, or an answer that is not one); an answer
     * that parses has figures in range and peers with real ports.
     */
    @FuzzTest(maxDuration = "60s")
    void announceResponse(byte[] input) {
        AnnounceResponse parsed;
        try {
            parsed = AnnounceResponse.parse(input);
        } catch (TrackerFailureException | TrackerResponseException expected) {
            return;
        }
        if (parsed.interval() < 0 || parsed.minInterval() < 0 || parsed.complete() < -1 || parsed.incomplete() < -1) {
            throw new AssertionError("figures out of range: " + parsed);
        }
        parsed.peers().forEach(peer -> {
            if (peer.port() < 0 || peer.port() > 65535) {
                throw new AssertionError("a peer's port out of range: " + peer);
            }
        });
    }

    /** Only the two checked exceptions escape; what parses re-encodes and parses to the same figures. */
    @FuzzTest(maxDuration = "60s")
    void scrapeResponse(byte[] input) {
        Map<InfoHash, SwarmCounts> parsed;
        try {
            parsed = ScrapeResponse.parse(input);
        } catch (TrackerFailureException | TrackerResponseException expected) {
            return;
        }
        try {
            assertEquals(parsed, ScrapeResponse.parse(ScrapeResponse.encode(parsed)));
        } catch (TrackerFailureException | TrackerResponseException e) {
            throw new AssertionError("our own encoding of " + parsed + " does not parse", e);
        }
    }
}
