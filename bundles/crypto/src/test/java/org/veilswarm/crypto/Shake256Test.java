package org.veilswarm.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * SHAKE-256 known answers (FIPS 202; the values were cross-checked with CPython's hashlib.shake_256, an
 * independent implementation) and the incremental form against the one-shot form.
 */
class Shake256Test {

    @Test
    void emptyInput() {
        assertArrayEquals(Vectors.hex("46b9dd2b0ba88d13233b3feb743eeb243fcd52ea62b81b82b50c27646ed5762f"),
                Shake256.hash(32));
    }

    @Test
    void abcSixtyFourBytes() {
        assertArrayEquals(Vectors.hex("483366601360a8771c6863080cc4114d8db44530f8f1e1ee4f94ea37e78b5739"
                + "d5a15bef186a5386c75744c0527e1faa9f8726e462a12a4feb06bd8801e751e4"),
                Shake256.hash(64, "abc".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void shorterOutputIsAPrefixAndPartsConcatenate() {
        byte[] abc = "abc".getBytes(StandardCharsets.US_ASCII);
        byte[] long80 = Shake256.hash(80, abc);
        assertArrayEquals(Arrays.copyOf(long80, 40), Shake256.hash(40, abc));
        assertArrayEquals(long80, Shake256.hash(80, "a".getBytes(StandardCharsets.US_ASCII),
                "bc".getBytes(StandardCharsets.US_ASCII)));
        assertArrayEquals(long80, new Shake256().update("xabcx".getBytes(StandardCharsets.US_ASCII), 1, 3).finish(80));
    }

    @Test
    void squeezesOnlyOnce() {
        Shake256 shake = new Shake256();
        shake.finish(16);
        assertThrows(IllegalStateException.class, () -> shake.finish(16));
        assertThrows(IllegalStateException.class, () -> shake.update(new byte[1]));
        assertThrows(IllegalArgumentException.class, () -> new Shake256().finish(-1));
    }
}
