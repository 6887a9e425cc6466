package org.veilswarm.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import org.junit.jupiter.api.Test;

class RandomsTest {

    @Test
    void bytesHaveTheAskedLength() {
        assertEquals(0, Randoms.bytes(0).length);
        assertEquals(509, Randoms.bytes(509).length);
        assertThrows(IllegalArgumentException.class, () -> Randoms.bytes(-1));
    }

    @Test
    void tokenIsUnpaddedBase64UrlOfTheRandomBytes() {
        String token = Randoms.token(32);

        assertEquals(43, token.length(), "ceil(32 * 4 / 3) characters, no '=' padding");
        assertTrue(token.matches("[A-Za-z0-9_-]+"), token);
        assertEquals(32, Base64.getUrlDecoder().decode(token).length);
        // Two 256-bit tokens collide with probability 2^-256.
        assertNotEquals(token, Randoms.token(32));
        assertThrows(IllegalArgumentException.class, () -> Randoms.token(0));
    }
}
