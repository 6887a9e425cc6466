package org.veilswarm.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link RunningDigest#sha3_256()} (our own Keccak, {@link Sha3_256}) against FIPS 202 vectors and the JDK's SHA3-256. */
class Sha3RunningDigestTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void fips202ExampleValues() {
        // NIST's SHA3-256 examples: the empty message and "abc".
        assertEquals("a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a",
                HEX.formatHex(RunningDigest.sha3_256().currentValue()));
        assertEquals("3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532",
                HEX.formatHex(RunningDigest.sha3_256().update("abc".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                        .currentValue()));
    }

    @Test
    void everyLengthAroundTheRateMatchesTheJdk() throws Exception {
        SplittableRandom random = new SplittableRandom(1);
        for (int length = 0; length <= 3 * Sha3_256.RATE + 2; length++) {
            byte[] data = bytes(random, length);
            assertArrayEquals(MessageDigest.getInstance("SHA3-256").digest(data),
                    RunningDigest.sha3_256().update(data).currentValue(), "length " + length);
        }
    }

    @Test
    void aRunningDigestReadAfterEveryPieceMatchesTheJdkOnEveryPrefix() throws Exception {
        SplittableRandom random = new SplittableRandom(2);
        MessageDigest reference = MessageDigest.getInstance("SHA3-256");
        RunningDigest running = RunningDigest.sha3_256();
        for (int piece = 0; piece < 400; piece++) {
            // Relay-cell sized pieces mostly (509 bytes, tor-spec §6.1), others to cross block edges anywhere.
            int length = random.nextInt(4) == 0 ? random.nextInt(700) : 509;
            byte[] data = bytes(random, length);
            int offset = random.nextInt(8);
            byte[] padded = new byte[offset + length + 3];
            System.arraycopy(data, 0, padded, offset, length);
            running.update(padded, offset, length);
            reference.update(data);
            assertArrayEquals(((MessageDigest) reference.clone()).digest(), running.currentValue(), "piece " + piece);
        }
    }

    @Test
    void aCopyRunsOnWithoutChangingTheOriginal() throws Exception {
        SplittableRandom random = new SplittableRandom(3);
        byte[] first = bytes(random, 300);
        byte[] second = bytes(random, 509);
        RunningDigest original = RunningDigest.sha3_256().update(first);
        byte[] before = original.currentValue();
        RunningDigest copy = original.copy().update(second);
        assertArrayEquals(before, original.currentValue());
        MessageDigest reference = MessageDigest.getInstance("SHA3-256");
        reference.update(first);
        reference.update(second);
        assertArrayEquals(reference.digest(), copy.currentValue());
        assertEquals(32, copy.length());
    }

    @Test
    void copyIntoReplacesTheTargetsStateAndLeavesTheOriginalRunning() throws Exception {
        SplittableRandom random = new SplittableRandom(4);
        byte[] first = bytes(random, 300);
        byte[] second = bytes(random, 509);
        // The target starts in another state, with more bytes pending than the original has: none of it may leak.
        RunningDigest target = RunningDigest.sha3_256().update(bytes(random, 2 * Sha3_256.RATE + 130));
        RunningDigest original = RunningDigest.sha3_256().update(first);
        byte[] before = original.currentValue();
        RunningDigest same = original.copyInto(target);
        assertEquals(target, same);
        assertArrayEquals(before, target.currentValue());
        target.update(second);
        assertArrayEquals(before, original.currentValue());
        MessageDigest reference = MessageDigest.getInstance("SHA3-256");
        reference.update(first);
        reference.update(second);
        assertArrayEquals(reference.digest(), target.currentValue());
    }

    @Test
    void copyIntoWorksForJdkDigestsAndRefusesAnotherAlgorithmOrItself() throws Exception {
        RunningDigest sha1 = RunningDigest.sha1().update(new byte[] {1, 2, 3});
        RunningDigest other = RunningDigest.sha1().update(new byte[] {9});
        sha1.copyInto(other).update(new byte[] {4});
        assertArrayEquals(MessageDigest.getInstance("SHA-1").digest(new byte[] {1, 2, 3, 4}), other.currentValue());
        assertArrayEquals(MessageDigest.getInstance("SHA-1").digest(new byte[] {1, 2, 3}), sha1.currentValue());
        IllegalArgumentException wrong = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> sha1.copyInto(RunningDigest.sha3_256()));
        assertEquals("cannot copy a SHA-1 digest into a SHA3-256 digest", wrong.getMessage());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> sha1.copyInto(sha1));
    }

    private static byte[] bytes(SplittableRandom random, int length) {
        byte[] data = new byte[length];
        random.nextBytes(data);
        return data;
    }
}
