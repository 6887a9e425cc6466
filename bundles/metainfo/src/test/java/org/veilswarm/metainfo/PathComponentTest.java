package org.veilswarm.metainfo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PathComponentTest {

    @ParameterizedTest(name = "[{0}] {1}")
    @CsvSource(delimiter = '|', value = {
        "''            | is empty",
        ".             | relative directory reference",
        "..            | relative directory reference",
        "a/b           | path separator",
        "/etc          | path separator",
        "a\\b          | path separator",
        "..\\..\\x     | path separator",
        "C:            | drive prefix",
        "c:evil        | drive prefix",
        "CON           | reserved device name",
        "con           | reserved device name",
        "Nul.txt       | reserved device name",
        "aux.tar.gz    | reserved device name",
        "COM1          | reserved device name",
        "lpt9.log      | reserved device name",
        "COM\u00b9     | reserved device name",
        "'NUL .txt'    | reserved device name",
        "'name.'       | ends with a dot or space",
        "'name '       | ends with a dot or space",
        "'...'         | ends with a dot or space",
    })
    void rejectsUnsafeOrNonPortableNames(String name, String reason) {
        MetainfoException e = assertThrows(MetainfoException.class, () -> PathComponent.of(name));
        assertTrue(e.getMessage().contains(reason), e::getMessage);
    }

    @Test
    void rejectsControlCharactersAndNul() {
        for (String name : new String[] {"a\u0000b", "a\nb", "\u001b[31m", "tab\there", "del\u007f"}) {
            MetainfoException e = assertThrows(MetainfoException.class, () -> PathComponent.of(name));
            assertTrue(e.getMessage().contains("control character"), e::getMessage);
            assertTrue(!e.getMessage().contains("\u001b"), "the message must not carry the raw escape");
        }
    }

    @Test
    void rejectsMalformedAndOverlongUtf8() {
        // 0xC0 0xAE is an overlong '.', 0xC0 0xAF an overlong '/': both would become traversal if decoded loosely.
        byte[][] bad = {
            {(byte) 0xc0, (byte) 0xae, (byte) 0xc0, (byte) 0xae},
            {'a', (byte) 0xc0, (byte) 0xaf, 'b'},
            {(byte) 0xff},
            {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, // a UTF-16 surrogate encoded in UTF-8
        };
        for (byte[] b : bad) {
            MetainfoException e = assertThrows(MetainfoException.class, () -> PathComponent.of(b));
            assertTrue(e.getMessage().contains("not valid UTF-8"), e::getMessage);
        }
    }

    @Test
    void rejectsOverlongNames() throws MetainfoException {
        PathComponent.of("x".repeat(255));
        assertThrows(MetainfoException.class, () -> PathComponent.of("x".repeat(256)));
        // 86 three-byte characters are 258 bytes although only 86 characters.
        assertThrows(MetainfoException.class, () -> PathComponent.of("\u20ac".repeat(86)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"file.txt", ".hidden", "..dots", "a..b", "CONFIG", "console.log", "COM10", "Episode 1: Pilot",
        "\u65e5\u672c\u8a9e.txt", "caf\u00e9", "emoji \ud83d\ude00", " leading space", "a.b.c"})
    void acceptsOrdinaryNames(String name) throws MetainfoException {
        PathComponent c = PathComponent.of(name);
        assertEquals(name, c.name());
        assertEquals(name, new String(c.utf8(), StandardCharsets.UTF_8));
    }

    @Test
    void ordersByRawUtf8Bytes() throws MetainfoException {
        // 'Z' (0x5a) < 'a' (0x61) < 'é' (0xc3 0xa9): byte order, not alphabetical.
        assertTrue(PathComponent.of("Z").compareTo(PathComponent.of("a")) < 0);
        assertTrue(PathComponent.of("a").compareTo(PathComponent.of("\u00e9")) < 0);
        assertTrue(PathComponent.of("a").compareTo(PathComponent.of("a.txt")) < 0);
    }
}
