package org.veilswarm.directory.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.veilswarm.api.directory.DirectoryException;
import org.veilswarm.api.directory.RelayRole;

class FindRequestTest {
    private static final String ID = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

    @Test
    void roundTripsExactly() throws Exception {
        Random random = new Random(4);
        for (int i = 0; i < 100; i++) {
            byte[] id = new byte[32];
            random.nextBytes(id);
            FindRequest request = new FindRequest(id, RelayRole.values()[i % 3], i == 0 ? Long.MAX_VALUE
                    : random.nextLong(1L << 60));
            byte[] line = request.encode();
            assertEquals(request, FindRequest.parse(line));
            assertArrayEquals(line, FindRequest.parse(line).encode());
        }
        assertEquals("find " + ID + " MIDDLE 12345", FindRequest.parse(line("find " + ID + " MIDDLE 12345\n"))
                .toString());
    }

    @Test
    void onlyTheCanonicalLineIsAccepted() {
        for (String bad : new String[] {
            "find " + ID + " MIDDLE 12345",                       // no LF
            "find " + ID + " MIDDLE 12345\r\n",                   // CR
            "find " + ID.toUpperCase() + " MIDDLE 12345\n",       // upper-case hex
            "find " + ID.substring(2) + " MIDDLE 12345\n",        // short id
            "find " + ID + " middle 12345\n",                     // role spelling
            "find " + ID + " EXIT 12345\n",                       // unknown role
            "find " + ID + " MIDDLE 012345\n",                    // leading zero
            "find " + ID + " MIDDLE -1\n",                        // negative
            "find " + ID + " MIDDLE 9223372036854775808\n",       // 2^63
            "find " + ID + "  MIDDLE 1\n",                        // double space
            "find " + ID + " MIDDLE 1 2\n",                       // extra word
            "FIND " + ID + " MIDDLE 1\n",                         // keyword
            "find " + ID.replace('a', 'g') + " MIDDLE 1\n",       // not hex
            "",
        }) {
            assertThrows(DirectoryException.class, () -> FindRequest.parse(line(bad)), bad);
        }
    }

    private static byte[] line(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
