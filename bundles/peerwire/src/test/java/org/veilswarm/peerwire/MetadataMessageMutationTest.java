package org.veilswarm.peerwire;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A bounded, reproducible mutation pass over ut_metadata payloads (fixed seed, so a failure names its
 * input): byte flips, random bytes, insertions, deletions and truncations, fed in varying chunk sizes.
 * Runs in every build; {@link MetadataMessageFuzzTest} goes further with Jazzer on demand.
 */
@ExtendWith(LeakRecorder.class)
class MetadataMessageMutationTest {

    private static final int ROUNDS = 3_000;

    static final List<byte[]> SEEDS = List.of(
            ascii("d8:msg_typei0e5:piecei0ee"),
            ascii("d8:msg_typei2e5:piecei7ee"),
            ascii("d8:msg_typei1e5:piecei0e10:total_sizei5eehello"),
            ascii("d8:msg_typei1e5:piecei1e10:total_sizei16390eeabcdef"),
            ascii("d5:piecei0e8:msg_typei1e10:total_sizei3eexyz"),
            ascii("d8:msg_typei9e5:piecei0ee"));

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void mutatedPayloadsOnlyEverFailWithPeerWireException() {
        Random random = new Random(0xB39_0009L);
        for (int round = 0; round < ROUNDS; round++) {
            byte[] input = mutate(SEEDS.get(random.nextInt(SEEDS.size())).clone(), random);
            int chunking = random.nextInt(3) == 0 ? 0 : random.nextInt(256);
            try {
                MetadataMessageProperty.check(input, chunking);
            } catch (AssertionError e) {
                throw new AssertionError("round " + round + ", payload " + HexFormat.of().formatHex(input)
                        + ", chunking " + chunking, e);
            }
        }
    }

    @Test
    void everySeedDecodes() {
        for (byte[] seed : SEEDS) {
            MetadataMessageProperty.check(seed, 0);
            MetadataMessageProperty.check(seed, 1);
        }
    }

    private static byte[] mutate(byte[] b, Random random) {
        int mutations = 1 + random.nextInt(3);
        for (int m = 0; m < mutations && b.length > 0; m++) {
            int at = random.nextInt(b.length);
            switch (random.nextInt(5)) {
                case 0 -> b[at] ^= (byte) (1 << random.nextInt(8));
                case 1 -> b[at] = (byte) "0123456789deil:-"
                        .charAt(random.nextInt(16));
                case 2 -> {
                    byte[] longer = new byte[b.length + 1];
                    System.arraycopy(b, 0, longer, 0, at);
                    longer[at] = (byte) random.nextInt(256);
                    System.arraycopy(b, at, longer, at + 1, b.length - at);
                    b = longer;
                }
                case 3 -> {
                    byte[] shorter = new byte[b.length - 1];
                    System.arraycopy(b, 0, shorter, 0, at);
                    System.arraycopy(b, at + 1, shorter, at, b.length - at - 1);
                    b = shorter;
                }
                default -> b = java.util.Arrays.copyOf(b, at);
            }
        }
        return b;
    }
}
