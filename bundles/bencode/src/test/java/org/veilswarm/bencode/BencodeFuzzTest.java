package org.veilswarm.bencode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer fuzz targets. In a plain {@code mvn verify} they run once per seed in
 * {@code src/test/resources/org/veilswarm/bencode/BencodeFuzzTestInputs/<method>/}; with
 * {@code JAZZER_FUZZ=1} Jazzer mutates inputs (see docs/fuzzing.md).
 */
class BencodeFuzzTest {

    /** Only BencodeException may escape; whatever decodes must survive encode + decode unchanged. */
    @FuzzTest(maxDuration = "60s")
    void decodeThenReEncode(byte[] input) {
        BencodeValue value;
        try {
            value = BencodeDecoder.strict().withLimits(BencodeLimits.DEFAULT.withMaxElements(100_000)).decode(input);
        } catch (BencodeException expected) {
            return;
        }
        byte[] encoded = BencodeEncoder.encode(value);
        assertArrayEquals(input, encoded, "strict decoding accepts canonical input only");
        try {
            assertEquals(value, BencodeDecoder.strict().decode(encoded));
        } catch (BencodeException e) {
            throw new AssertionError("re-encoded value does not decode", e);
        }
    }

    /** The lenient decoder may reorder keys; its canonical re-encoding must then decode strictly. */
    @FuzzTest(maxDuration = "60s")
    void lenientDecodeThenStrictDecode(byte[] input) {
        BencodeValue value;
        try {
            value = BencodeDecoder.lenient().decode(input);
        } catch (BencodeException expected) {
            return;
        }
        try {
            assertEquals(value, BencodeDecoder.strict().decode(BencodeEncoder.encode(value)));
        } catch (BencodeException e) {
            throw new AssertionError("canonical re-encoding of a lenient value does not decode strictly", e);
        }
    }
}
