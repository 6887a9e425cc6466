package org.veilswarm.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.veilswarm.crypto.Vectors.bytes;

import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** RFC 4231 HMAC-SHA256 vectors, message parts, and the empty key. */
class HmacTest {

    @Test
    void rfc4231Vectors() {
        for (Map<String, String> vector : Vectors.load("rfc4231-hmac-sha256.txt")) {
            assertArrayEquals(bytes(vector, "hmac"), Hmac.sha256(bytes(vector, "key"), bytes(vector, "data")),
                    vector.get("name"));
        }
    }

    @Test
    void messagePartsAreConcatenated() {
        Map<String, String> vector = Vectors.load("rfc4231-hmac-sha256.txt").get(1);
        byte[] data = bytes(vector, "data");
        assertArrayEquals(bytes(vector, "hmac"), Hmac.sha256(bytes(vector, "key"),
                Arrays.copyOf(data, 5), Arrays.copyOfRange(data, 5, data.length)));
    }

    @Test
    void emptyKeyAndMessageGiveTheKnownValue() {
        // HMAC-SHA256 with an empty key over the empty message, as computed by OpenSSL 3.
        assertArrayEquals(Vectors.hex("b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad"),
                Hmac.sha256(new byte[0], new byte[0]));
    }
}
