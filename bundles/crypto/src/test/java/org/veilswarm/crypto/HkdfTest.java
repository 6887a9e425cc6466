package org.veilswarm.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.veilswarm.crypto.Vectors.bytes;

import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** RFC 5869 Appendix A test cases 1-3 and the output length limit. */
class HkdfTest {

    static Stream<Map<String, String>> rfc5869() {
        return Vectors.load("rfc5869-hkdf-sha256.txt").stream();
    }

    @ParameterizedTest
    @MethodSource("rfc5869")
    void appendixAVectors(Map<String, String> vector) {
        byte[] ikm = bytes(vector, "ikm");
        byte[] salt = bytes(vector, "salt");
        byte[] info = bytes(vector, "info");
        int length = Integer.parseInt(vector.get("length"));
        byte[] prk = Hkdf.extract(salt, ikm);

        assertArrayEquals(bytes(vector, "prk"), prk, vector.get("name"));
        assertArrayEquals(bytes(vector, "okm"), Hkdf.expand(prk, info, length), vector.get("name"));
        assertArrayEquals(bytes(vector, "okm"), Hkdf.derive(salt, ikm, info, length), vector.get("name"));
    }

    @Test
    void nullSaltAndInfoMeanEmpty() {
        Map<String, String> caseThree = Vectors.load("rfc5869-hkdf-sha256.txt").get(2);
        assertArrayEquals(bytes(caseThree, "okm"), Hkdf.derive(null, bytes(caseThree, "ikm"), null, 42));
    }

    @Test
    void outputUpTo255BlocksAndNotOneByteMore() {
        byte[] prk = Hkdf.extract(null, new byte[] {1, 2, 3});
        byte[] longest = Hkdf.expand(prk, new byte[0], Hkdf.MAX_OUTPUT_LENGTH);

        assertEquals(8160, longest.length);
        // Expansion is a prefix-stable stream: a shorter output is the start of a longer one.
        assertArrayEquals(Hkdf.expand(prk, new byte[0], 100), Arrays.copyOf(longest, 100));
        IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class,
                () -> Hkdf.expand(prk, new byte[0], Hkdf.MAX_OUTPUT_LENGTH + 1));
        assertTrue(tooLong.getMessage().contains("8160") && tooLong.getMessage().contains("8161"),
                tooLong.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Hkdf.expand(prk, null, -1));
        assertEquals(0, Hkdf.expand(prk, null, 0).length);
    }

    @Test
    void refusesAShortPseudorandomKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Hkdf.expand(new byte[16], null, 32));
        assertTrue(e.getMessage().contains("16"), e.getMessage());
    }
}
