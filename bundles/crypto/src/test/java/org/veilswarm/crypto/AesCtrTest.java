package org.veilswarm.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.veilswarm.crypto.Vectors.bytes;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** NIST SP 800-38A F.5.1/F.5.5, and a keystream that does not depend on how calls split it. */
class AesCtrTest {
    private static final int MIB = 1024 * 1024;
    private static final byte[] KEY_128 = Vectors.hex("000102030405060708090a0b0c0d0e0f");

    static Stream<Map<String, String>> sp80038a() {
        return Vectors.load("sp800-38a-aes-ctr.txt").stream();
    }

    @ParameterizedTest
    @MethodSource("sp80038a")
    void nistVectors(Map<String, String> vector) {
        byte[] data = bytes(vector, "plaintext");
        AesCtr encrypt = AesCtr.create(bytes(vector, "key"), bytes(vector, "counter"));
        encrypt.process(data, 0, data.length);
        assertArrayEquals(bytes(vector, "ciphertext"), data, vector.get("name"));

        AesCtr decrypt = AesCtr.create(bytes(vector, "key"), bytes(vector, "counter"));
        decrypt.process(data, 0, data.length);
        assertArrayEquals(bytes(vector, "plaintext"), data, "CTR decryption is the same operation");
    }

    @ParameterizedTest
    @MethodSource("sp80038a")
    void nistVectorsOneBlockPerCall(Map<String, String> vector) {
        byte[] data = bytes(vector, "plaintext");
        AesCtr cipher = AesCtr.create(bytes(vector, "key"), bytes(vector, "counter"));
        for (int offset = 0; offset < data.length; offset += 16) {
            cipher.process(data, offset, 16);
        }
        assertArrayEquals(bytes(vector, "ciphertext"), data);
    }

    /** Fixed split sizes, including the 509-byte relay cell payload and sizes across the chunk size. */
    @ParameterizedTest
    @ValueSource(ints = {1, 7, 16, 509, 16 * 1024 - 1, 16 * 1024, 16 * 1024 + 1, MIB})
    void anySplitGivesTheSameKeystreamAsOneCall(int splitSize) {
        byte[] plain = plaintext(3 * MIB + 123);
        byte[] expected = plain.clone();
        AesCtr.aes128(KEY_128).process(expected, 0, expected.length);

        byte[] actual = plain.clone();
        AesCtr cipher = AesCtr.aes128(KEY_128);
        for (int offset = 0; offset < actual.length; offset += splitSize) {
            cipher.process(actual, offset, Math.min(splitSize, actual.length - offset));
        }
        assertArrayEquals(expected, actual);
        assertEquals(plain.length, cipher.position());
    }

    @Test
    void randomSplitsAcrossAllEntryPointsGiveTheSameKeystream() {
        byte[] plain = plaintext(2 * MIB);
        byte[] expected = plain.clone();
        AesCtr.aes256(new byte[32]).process(expected, 0, expected.length);

        SplittableRandom random = new SplittableRandom(38);
        byte[] actual = new byte[plain.length];
        AesCtr cipher = AesCtr.aes256(new byte[32]);
        int offset = 0;
        int call = 0;
        while (offset < plain.length) {
            int n = Math.min(plain.length - offset, 1 + random.nextInt(40_000));
            switch (call++ % 4) {
                case 0: // out of place
                    cipher.process(plain, offset, n, actual, offset);
                    break;
                case 1: { // in place
                    System.arraycopy(plain, offset, actual, offset, n);
                    cipher.process(actual, offset, n);
                    break;
                }
                case 2: { // direct buffer, as Netty's pooled buffers are
                    ByteBuffer direct = ByteBuffer.allocateDirect(n + 3);
                    direct.position(3);
                    direct.put(plain, offset, n).position(3);
                    cipher.process(direct);
                    assertEquals(n + 3, direct.position());
                    direct.get(3, actual, offset, n);
                    break;
                }
                default: { // heap buffer slice with an array offset
                    ByteBuffer heap = ByteBuffer.wrap(Arrays.copyOfRange(plain, offset - 1 < 0 ? 0 : offset - 1,
                            offset + n));
                    heap.position(offset == 0 ? 0 : 1);
                    ByteBuffer slice = heap.slice();
                    cipher.process(slice);
                    System.arraycopy(heap.array(), offset == 0 ? 0 : 1, actual, offset, n);
                    break;
                }
            }
            offset += n;
        }
        assertArrayEquals(expected, actual);
    }

    @Test
    void aes128FactoryUsesTheAllZeroCounterBlock() {
        byte[] a = plaintext(100);
        byte[] b = a.clone();
        AesCtr.aes128(KEY_128).process(a, 0, a.length);
        AesCtr.create(KEY_128, new byte[16]).process(b, 0, b.length);
        assertArrayEquals(a, b);
    }

    @Test
    void badArgumentsAreRejectedClearly() {
        IllegalArgumentException wrongKey = assertThrows(IllegalArgumentException.class,
                () -> AesCtr.aes128(new byte[32]));
        assertTrue(wrongKey.getMessage().contains("16") && wrongKey.getMessage().contains("32"), wrongKey.getMessage());
        assertThrows(IllegalArgumentException.class, () -> AesCtr.aes256(new byte[16]));
        assertThrows(IllegalArgumentException.class, () -> AesCtr.create(new byte[15], new byte[16]));
        assertThrows(IllegalArgumentException.class, () -> AesCtr.create(new byte[16], new byte[12]));
        AesCtr cipher = AesCtr.aes128(KEY_128);
        assertThrows(IndexOutOfBoundsException.class, () -> cipher.process(new byte[10], 5, 6));
        byte[] shared = new byte[100];
        assertThrows(IllegalArgumentException.class, () -> cipher.process(shared, 0, 50, shared, 10));
        assertThrows(IllegalArgumentException.class,
                () -> cipher.process(ByteBuffer.allocate(16).asReadOnlyBuffer()));
        assertEquals(0, cipher.position(), "rejected calls consume no keystream");
    }

    private static byte[] plaintext(int length) {
        byte[] data = new byte[length];
        new SplittableRandom(length).nextBytes(data);
        return data;
    }
}
