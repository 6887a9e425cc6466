package org.veilswarm.bencode;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BencodeEncoderTest {

    @Test
    void encodesCanonicalForms() {
        assertEquals("i0e", ascii(BencodeInteger.of(0)));
        assertEquals("i-42e", ascii(BencodeInteger.of(-42)));
        assertEquals("i-9223372036854775808e", ascii(BencodeInteger.of(Long.MIN_VALUE)));
        assertEquals("0:", ascii(BencodeString.of("")));
        assertEquals("4:spam", ascii(BencodeString.of("spam")));
        assertEquals("l4:spami42ee", ascii(BencodeList.of(BencodeString.of("spam"), BencodeInteger.of(42))));
    }

    @Test
    void sortsKeysByRawBytesWhateverTheInsertionOrder() {
        BencodeDictionary d = BencodeDictionary.builder()
                .put("spam", "eggs")
                .put(BencodeString.of(new byte[] {(byte) 0x80}), BencodeInteger.of(1))
                .put("Zebra", 2)
                .put("cow", "moo")
                .build();
        assertEquals("d5:Zebrai2e3:cow3:moo4:spam4:eggs1:\u0080i1ee",
                new String(BencodeEncoder.encode(d), ISO_8859_1));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "i0e", "i-1e", "4:spam", "le", "de", "lli1eeli2eee", "d3:cow3:moo4:spam4:eggse",
        "d8:announce0:4:infod6:lengthi12345e4:name8:file.txt12:piece lengthi16384eee",
    })
    void canonicalInputReEncodesToTheSameBytes(String canonical) throws BencodeException {
        byte[] input = canonical.getBytes(US_ASCII);
        assertArrayEquals(input, BencodeEncoder.encode(BencodeDecoder.strict().decode(input)));
    }

    @Test
    void randomValuesRoundTrip() throws BencodeException {
        Random random = new Random(52);
        for (int i = 0; i < 2_000; i++) {
            BencodeValue value = randomValue(random, 0);
            byte[] encoded = BencodeEncoder.encode(value);
            BencodeValue decoded = BencodeDecoder.strict().decode(encoded);
            assertEquals(value, decoded);
            assertArrayEquals(encoded, BencodeEncoder.encode(decoded));
        }
    }

    static BencodeValue randomValue(Random random, int depth) {
        int kind = depth > 4 ? random.nextInt(2) : random.nextInt(4);
        switch (kind) {
            case 0:
                return BencodeInteger.of(random.nextBoolean() ? random.nextLong() : random.nextInt(100) - 50);
            case 1: {
                byte[] bytes = new byte[random.nextInt(20)];
                random.nextBytes(bytes);
                return BencodeString.of(bytes);
            }
            case 2: {
                BencodeValue[] values = new BencodeValue[random.nextInt(5)];
                for (int i = 0; i < values.length; i++) {
                    values[i] = randomValue(random, depth + 1);
                }
                return BencodeList.of(values);
            }
            default: {
                BencodeDictionary.Builder builder = BencodeDictionary.builder();
                int n = random.nextInt(5);
                for (int i = 0; i < n; i++) {
                    byte[] key = new byte[random.nextInt(4)];
                    random.nextBytes(key);
                    builder.put(BencodeString.of(key), randomValue(random, depth + 1));
                }
                return builder.build();
            }
        }
    }

    private static String ascii(BencodeValue value) {
        return new String(BencodeEncoder.encode(value), US_ASCII);
    }
}
