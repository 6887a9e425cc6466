package org.veilswarm.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** FIPS 180-4 / FIPS 202 known answers, and the running digest tor's relay cells need. */
class DigestsTest {

    @Test
    void knownAnswers() {
        int checked = 0;
        for (Map<String, String> vector : Vectors.load("digests.txt")) {
            byte[] message = vector.get("message").getBytes(StandardCharsets.US_ASCII);
            byte[] expected = Vectors.bytes(vector, "digest");
            String algorithm = vector.get("algorithm");
            assertArrayEquals(expected, oneShot(algorithm).apply(message), algorithm + " of '" + vector.get("message") + "'");
            assertArrayEquals(expected, running(algorithm).get().update(message).currentValue(), algorithm + " running");
            checked++;
        }
        assertEquals(6, checked);
    }

    @Test
    void offsetsAndByteBuffersDigestTheSameBytes() {
        byte[] data = "xxabcyy".getBytes(StandardCharsets.US_ASCII);
        byte[] abc = "abc".getBytes(StandardCharsets.US_ASCII);
        assertArrayEquals(Digests.sha1(abc), Digests.sha1(data, 2, 3));
        assertArrayEquals(Digests.sha256(abc), Digests.sha256(data, 2, 3));
        assertArrayEquals(Digests.sha3_256(abc), Digests.sha3_256(data, 2, 3));
        ByteBuffer direct = ByteBuffer.allocateDirect(3).put(abc).flip();
        assertArrayEquals(Digests.sha256(abc), Digests.sha256(direct));
        assertFalse(direct.hasRemaining());
    }

    @Test
    void currentValueDoesNotFinishTheRunningDigest() {
        for (String algorithm : new String[] {"SHA-1", "SHA-256", "SHA3-256"}) {
            byte[] first = "relay cell one".getBytes(StandardCharsets.US_ASCII);
            byte[] second = "relay cell two".getBytes(StandardCharsets.US_ASCII);
            RunningDigest digest = running(algorithm).get();

            digest.update(first);
            assertArrayEquals(oneShot(algorithm).apply(first), digest.currentValue(), algorithm);
            assertArrayEquals(oneShot(algorithm).apply(first), digest.currentValue(), algorithm + " read twice");
            digest.update(second);
            assertArrayEquals(oneShot(algorithm).apply(concat(first, second)), digest.currentValue(), algorithm);
        }
    }

    @Test
    void copyIsAnIndependentSnapshotForRollback() {
        byte[] cell = new byte[509];
        Arrays.fill(cell, (byte) 7);
        RunningDigest digest = RunningDigest.sha1().update(cell);
        RunningDigest snapshot = digest.copy();

        digest.update(cell);
        assertArrayEquals(Digests.sha1(cell), snapshot.currentValue(), "snapshot unaffected by later updates");
        assertArrayEquals(Digests.sha1(concat(cell, cell)), digest.currentValue());
        assertEquals(20, snapshot.length());
        assertEquals(32, RunningDigest.sha3_256().length());
    }

    @Test
    void runningDigestAcceptsRangesAndBuffers() {
        byte[] data = "xxabcyy".getBytes(StandardCharsets.US_ASCII);
        byte[] abc = "abc".getBytes(StandardCharsets.US_ASCII);
        assertArrayEquals(Digests.sha256(abc), RunningDigest.sha256().update(data, 2, 3).currentValue());
        assertArrayEquals(Digests.sha256(abc), RunningDigest.sha256().update(ByteBuffer.wrap(data, 2, 3)).currentValue());
    }

    private static Function<byte[], byte[]> oneShot(String algorithm) {
        switch (algorithm) {
            case "SHA-1":
                return Digests::sha1;
            case "SHA-256":
                return Digests::sha256;
            case "SHA3-256":
                return Digests::sha3_256;
            default:
                throw new IllegalArgumentException(algorithm);
        }
    }

    private static Supplier<RunningDigest> running(String algorithm) {
        switch (algorithm) {
            case "SHA-1":
                return RunningDigest::sha1;
            case "SHA-256":
                return RunningDigest::sha256;
            case "SHA3-256":
                return RunningDigest::sha3_256;
            default:
                throw new IllegalArgumentException(algorithm);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
