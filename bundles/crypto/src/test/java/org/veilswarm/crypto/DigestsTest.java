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

    /**
     * The running SHA3-256 (Bouncy Castle) against the JDK's one-shot SHA3-256 over relay-cell-sized pieces,
     * read after every piece (as tor's running digests are) and from snapshots, with heap and direct buffers.
     */
    @Test
    void runningSha3MatchesTheJdkPieceByPiece() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(5);
        byte[] data = new byte[40_000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) random.nextInt();
        }
        RunningDigest digest = RunningDigest.sha3_256();
        int absorbed = 0;
        int piece = 0;
        while (absorbed < data.length) {
            int length = Math.min(data.length - absorbed, piece % 3 == 0 ? 509 : random.nextInt(300));
            switch (piece % 3) {
                case 0 -> digest.update(data, absorbed, length);
                case 1 -> digest.update(ByteBuffer.wrap(data, absorbed, length));
                default -> digest.update(ByteBuffer.allocateDirect(length).put(data, absorbed, length).flip());
            }
            absorbed += length;
            byte[] expected = Digests.sha3_256(data, 0, absorbed);
            assertArrayEquals(expected, digest.currentValue(), "after " + absorbed + " bytes");
            assertArrayEquals(expected, digest.copy().currentValue(), "snapshot after " + absorbed + " bytes");
            piece++;
        }
        assertEquals("SHA3-256", digest.algorithm());
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
