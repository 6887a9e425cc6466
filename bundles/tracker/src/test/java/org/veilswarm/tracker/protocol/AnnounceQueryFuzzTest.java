package org.veilswarm.tracker.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.veilswarm.api.tracker.InfoHash;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer targets for the tracker's query parsers. A plain {@code mvn verify} runs each seed in
 * {@code src/test/resources/org/veilswarm/tracker/protocol/AnnounceQueryFuzzTestInputs/<method>/} once;
 * {@code JAZZER_FUZZ=1} mutates (docs/fuzzing.md).
 */
class AnnounceQueryFuzzTest {

    /** Only TrackerRequestException escapes; whatever parses survives toQuery + parse unchanged. */
    @FuzzTest(maxDuration = "60s")
    void announce(byte[] input) {
        String query = new String(input, StandardCharsets.ISO_8859_1);
        AnnounceRequest parsed;
        try {
            parsed = AnnounceRequest.parse(query);
        } catch (TrackerRequestException expected) {
            return;
        }
        try {
            assertEquals(parsed, AnnounceRequest.parse(parsed.toQuery()));
        } catch (TrackerRequestException e) {
            throw new AssertionError("our own query does not parse: " + parsed.toQuery(), e);
        }
    }

    /** Only TrackerRequestException escapes; the hashes found survive toQuery + parse. */
    @FuzzTest(maxDuration = "60s")
    void scrape(byte[] input) {
        List<InfoHash> hashes;
        try {
            hashes = ScrapeRequest.parse(new String(input, StandardCharsets.ISO_8859_1), 64);
        } catch (TrackerRequestException expected) {
            return;
        }
        try {
            assertEquals(hashes, ScrapeRequest.parse(ScrapeRequest.toQuery(hashes), 64));
        } catch (TrackerRequestException e) {
            throw new AssertionError(e);
        }
    }
}
