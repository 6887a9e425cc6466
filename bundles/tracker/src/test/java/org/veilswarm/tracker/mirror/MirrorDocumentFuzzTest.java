package org.veilswarm.tracker.mirror;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.veilswarm.api.tracker.Visibility;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer targets for the documents a mirror reads from the node it mirrors (docs/protocols/tracker-mirroring.md):
 * the snapshot and the change batch, after their signature checked out, so everything in them is as the source
 * wrote it. A hostile or broken source must get a {@link MirrorException} and nothing else, whatever it signs.
 * The documents answer a request with {@link #NONCE} for {@link #SCOPE} (the seeds do; mutations that touch
 * them are refused early). A plain {@code mvn verify} runs each seed in
 * {@code src/test/resources/org/veilswarm/tracker/mirror/MirrorDocumentFuzzTestInputs/<method>/} once;
 * {@code JAZZER_FUZZ=1} mutates (docs/fuzzing.md).
 */
class MirrorDocumentFuzzTest {
    static final byte[] NONCE = MirrorCodecTest.bytes(16, 1);
    static final byte[] SCOPE = MirrorScope.of(Visibility.PRIVATE, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    private static final MirrorCodec CODEC = new MirrorCodec(MirrorLimits.DEFAULT);

    /** Only MirrorException escapes; a snapshot that decodes is written again by our encoder as the same value. */
    @FuzzTest(maxDuration = "60s")
    void snapshot(byte[] input) {
        MirrorSnapshot decoded;
        try {
            decoded = CODEC.decodeSnapshot(input, NONCE, SCOPE);
        } catch (MirrorException expected) {
            return;
        }
        try {
            assertEquals(decoded, CODEC.decodeSnapshot(CODEC.encodeSnapshot(decoded, NONCE, SCOPE), NONCE, SCOPE));
        } catch (MirrorException e) {
            throw new AssertionError("our own encoding of an accepted snapshot is refused", e);
        }
    }

    /** Only MirrorException escapes; a batch that decodes is written again by our encoder as the same value. */
    @FuzzTest(maxDuration = "60s")
    void changeBatch(byte[] input) {
        ChangeBatch decoded;
        try {
            decoded = CODEC.decodeBatch(input, NONCE, SCOPE);
        } catch (MirrorException expected) {
            return;
        }
        try {
            ChangeBatch again = CODEC.decodeBatch(CODEC.encodeBatch(decoded, NONCE, SCOPE), NONCE, SCOPE);
            assertEquals(decoded.changes(), again.changes());
            assertEquals(decoded.from(), again.from());
            assertEquals(decoded.to(), again.to());
            assertEquals(decoded.epoch(), again.epoch());
        } catch (MirrorException e) {
            throw new AssertionError("our own encoding of an accepted change batch is refused", e);
        }
    }
}
