package org.veilswarm.bencode;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BencodeDecoderTest {

    private static BencodeValue decode(String ascii) throws BencodeException {
        return BencodeDecoder.strict().decode(ascii.getBytes(ISO_8859_1));
    }

    @Test
    void decodesTheExamplesOfBep3() throws BencodeException {
        assertEquals(BencodeString.of("spam"), decode("4:spam"));
        assertEquals(BencodeInteger.of(3), decode("i3e"));
        assertEquals(BencodeInteger.of(-3), decode("i-3e"));
        assertEquals(BencodeInteger.of(0), decode("i0e"));
        assertEquals(BencodeList.of(BencodeString.of("spam"), BencodeString.of("eggs")), decode("l4:spam4:eggse"));
        assertEquals(BencodeDictionary.builder().put("cow", "moo").put("spam", "eggs").build(),
                decode("d3:cow3:moo4:spam4:eggse"));
        assertEquals(BencodeDictionary.builder()
                        .put("spam", BencodeList.of(BencodeString.of("a"), BencodeString.of("b"))).build(),
                decode("d4:spaml1:a1:bee"));
        assertEquals(BencodeString.of(""), decode("0:"));
        assertEquals(BencodeList.of(), decode("le"));
        assertEquals(BencodeDictionary.empty(), decode("de"));
    }

    @Test
    void integersCoverTheWholeLongRange() throws BencodeException {
        assertEquals(BencodeInteger.of(Long.MAX_VALUE), decode("i9223372036854775807e"));
        assertEquals(BencodeInteger.of(Long.MIN_VALUE), decode("i-9223372036854775808e"));
    }

    @Test
    void stringsKeepArbitraryBytes() throws BencodeException {
        byte[] raw = {'3', ':', 0, (byte) 0xff, (byte) 0x80};
        BencodeString s = (BencodeString) BencodeDecoder.strict().decode(raw);
        assertArrayEquals(new byte[] {0, (byte) 0xff, (byte) 0x80}, s.bytes());
        assertTrue(s.utf8().isEmpty(), "0xff is not UTF-8, so there is no strict text view");
        assertEquals("h\u00e9", ((BencodeString) decode("3:h\u00c3\u00a9")).utf8().orElseThrow());
    }

    @ParameterizedTest(name = "{0} -> offset {1}: {2}")
    @CsvSource(delimiter = '|', value = {
        "''                          | 0  | empty input",
        "i03e                        | 0  | leading zero",
        "i-0e                        | 0  | negative zero",
        "i-03e                       | 0  | leading zero",
        "ie                          | 0  | no digits",
        "i-e                         | 0  | no digits",
        "i12                         | 3  | end of input inside an integer",
        "i1x2e                       | 2  | integer contains 'x'",
        "i+1e                        | 1  | integer contains '+'",
        "i9223372036854775808e       | 0  | does not fit in 64 bits",
        "i-9223372036854775809e      | 0  | does not fit in 64 bits",
        "i99999999999999999999999e   | 0  | does not fit in 64 bits",
        "03:abc                      | 0  | string length has a leading zero",
        "5:abc                       | 0  | runs past the end of the input",
        "3abc                        | 1  | string length contains 'a'",
        "4294967299:a                | 0  | exceeds the limit",
        "l                           | 1  | end of input inside a list",
        "li1e                        | 4  | end of input inside a list",
        "d                           | 1  | end of input inside a dictionary",
        "d3:cow                      | 6  | expected a value",
        "di1e3:mooe                  | 1  | key must be a byte string, found 'i'",
        "d4:spam1:a3:cow1:be         | 10 | not in sorted order",
        "d3:cow1:a3:cow1:be          | 9  | duplicate dictionary key",
        "i1ei2e                      | 3  | 3 trailing bytes",
        "4:spamx                     | 6  | 1 trailing bytes",
        "x                           | 0  | expected a value",
        "e                           | 0  | expected a value",
    })
    void rejectsNonCanonicalOrBrokenInputWithOffsetAndReason(String input, long offset, String reason) {
        BencodeException e = assertThrows(BencodeException.class, () -> decode(input));
        assertEquals(offset, e.offset(), e.getMessage());
        assertTrue(e.reason().contains(reason), () -> "reason '" + e.reason() + "' should mention '" + reason + "'");
        assertTrue(e.getMessage().startsWith("at byte " + offset + ": "), e.getMessage());
    }

    @Test
    void keysSortAsRawUnsignedBytesNotAsCharacters() throws BencodeException {
        // 0x80 sorts after 'z' when bytes are unsigned; a signed comparison would reject this.
        byte[] input = "d1:z0:1:\u00800:e".getBytes(ISO_8859_1);
        BencodeDictionary d = (BencodeDictionary) BencodeDecoder.strict().decode(input);
        assertEquals(2, d.size());
        byte[] reversed = "d1:\u00800:1:z0:e".getBytes(ISO_8859_1);
        assertThrows(BencodeException.class, () -> BencodeDecoder.strict().decode(reversed));
        // An upper-case key sorts before a lower-case one: raw bytes, not alphabetical order.
        decode("d1:Bi1e1:ai2ee");
    }

    @Test
    void lenientDecoderAcceptsUnsortedKeysAndRecordsIt() throws BencodeException {
        byte[] unsorted = "d4:spam1:a3:cow1:be".getBytes(US_ASCII);
        BencodeDictionary d = (BencodeDictionary) BencodeDecoder.lenient().decode(unsorted);
        assertFalse(d.keysWereSorted());
        assertEquals(BencodeString.of("b"), d.get("cow").orElseThrow());
        assertEquals("d3:cow1:b4:spam1:ae", new String(BencodeEncoder.encode(d), US_ASCII),
                "re-encoding is canonical, so it differs from the unsorted input");
        assertTrue(((BencodeDictionary) decode("d3:cow1:be")).keysWereSorted());
    }

    @Test
    void lenientDecoderStillRejectsDuplicateKeysEvenWhenNotAdjacent() {
        byte[] input = "d1:b0:1:a0:1:b0:e".getBytes(US_ASCII);
        BencodeException e = assertThrows(BencodeException.class, () -> BencodeDecoder.lenient().decode(input));
        assertEquals(11, e.offset());
        assertTrue(e.reason().contains("duplicate"));
    }

    @Test
    void dictionaryRemembersTheExactBytesOfEachValue() throws BencodeException {
        byte[] input = "d8:announce3:url4:infod6:lengthi5e4:name1:xee".getBytes(US_ASCII);
        BencodeDictionary d = BencodeDecoder.strict().decodeDictionary(input);
        ByteSpan span = d.valueSpan("info").orElseThrow();
        assertEquals(22, span.offset());
        assertEquals("d6:lengthi5e4:name1:xe", new String(d.rawValue("info").orElseThrow(), US_ASCII));
        assertEquals("3:url", new String(d.rawValue("announce").orElseThrow(), US_ASCII));
        BencodeDictionary info = (BencodeDictionary) d.get("info").orElseThrow();
        assertEquals("i5e", new String(info.rawValue("length").orElseThrow(), US_ASCII),
                "nested dictionaries share the same input");
        assertTrue(d.rawValue("missing").isEmpty());
        assertTrue(BencodeDictionary.builder().put("a", 1).build().rawValue("a").isEmpty(),
                "built dictionaries have no source bytes");
    }

    @Test
    void rawSpansSurviveTheCallerMutatingItsArray() throws BencodeException {
        byte[] input = "d4:infod1:ai1eee".getBytes(US_ASCII);
        BencodeDictionary d = BencodeDecoder.strict().decodeDictionary(input);
        java.util.Arrays.fill(input, (byte) 'X');
        assertEquals("d1:ai1ee", new String(d.rawValue("info").orElseThrow(), US_ASCII));
    }

    @Test
    void decodeDictionaryRejectsOtherTopLevelTypes() {
        BencodeException e = assertThrows(BencodeException.class,
                () -> BencodeDecoder.strict().decodeDictionary("l1:ae".getBytes(US_ASCII)));
        assertEquals(0, e.offset());
        assertTrue(e.reason().contains("expected a dictionary"));
    }

    @Test
    void nestingDepthIsBounded() throws BencodeException {
        BencodeDecoder decoder = BencodeDecoder.strict().withLimits(BencodeLimits.DEFAULT.withMaxDepth(3));
        decoder.decode("llleee".getBytes(US_ASCII));
        BencodeException e = assertThrows(BencodeException.class, () -> decoder.decode("lllleeee".getBytes(US_ASCII)));
        assertEquals(3, e.offset());
        assertTrue(e.reason().contains("deeper than 3"));
        // The default limit stops a stack-exhausting input long before the JVM stack does.
        byte[] deep = ("l".repeat(100_000) + "e".repeat(100_000)).getBytes(US_ASCII);
        BencodeException deepError = assertThrows(BencodeException.class, () -> BencodeDecoder.strict().decode(deep));
        assertEquals(64, deepError.offset());
    }

    @Test
    void elementCountIsBounded() throws BencodeException {
        BencodeDecoder decoder = BencodeDecoder.strict().withLimits(BencodeLimits.DEFAULT.withMaxElements(4));
        decoder.decode("li1ei2ei3ee".getBytes(US_ASCII));
        BencodeException e = assertThrows(BencodeException.class,
                () -> decoder.decode("li1ei2ei3ei4ee".getBytes(US_ASCII)));
        assertTrue(e.reason().contains("more than 4 values"));
        assertEquals(10, e.offset());
        // Dictionary keys count as values too.
        assertThrows(BencodeException.class, () -> decoder.decode("d1:ai1e1:bi2ee".getBytes(US_ASCII)));
    }

    @Test
    void stringAndInputSizesAreBounded() throws BencodeException {
        BencodeDecoder decoder = BencodeDecoder.strict().withLimits(BencodeLimits.DEFAULT.withMaxStringBytes(4));
        decoder.decode("4:spam".getBytes(US_ASCII));
        BencodeException e = assertThrows(BencodeException.class, () -> decoder.decode("5:spams".getBytes(US_ASCII)));
        assertTrue(e.reason().contains("exceeds the limit of 4"));

        BencodeDecoder small = BencodeDecoder.strict().withLimits(BencodeLimits.DEFAULT.withMaxInputBytes(5));
        BencodeException tooBig = assertThrows(BencodeException.class, () -> small.decode("4:spam".getBytes(US_ASCII)));
        assertTrue(tooBig.reason().contains("6 bytes exceeds the limit of 5"));
    }

    @Test
    void limitsRejectNonsense() {
        assertThrows(IllegalArgumentException.class, () -> new BencodeLimits(0, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> BencodeLimits.DEFAULT.withMaxDepth(0));
    }

    @Test
    void listsAreImmutable() throws BencodeException {
        BencodeList list = (BencodeList) decode("li1ee");
        List<BencodeValue> values = list.values();
        assertThrows(UnsupportedOperationException.class, () -> values.add(BencodeInteger.of(2)));
        BencodeDictionary dict = (BencodeDictionary) decode("d1:ai1ee");
        assertThrows(UnsupportedOperationException.class,
                () -> dict.entries().put(BencodeString.of("b"), BencodeInteger.of(1)));
    }
}
