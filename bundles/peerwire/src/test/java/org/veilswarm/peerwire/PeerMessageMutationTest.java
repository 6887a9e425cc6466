package org.veilswarm.peerwire;

import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A bounded, reproducible mutation pass over the corpus (a fixed seed, so a failure names its input):
 * byte flips, random bytes, insertions, deletions, truncations and rewritten length prefixes, fed in
 * varying chunk sizes. Runs in every build; Jazzer ({@link PeerMessageFuzzTest}) goes further on demand.
 */
@ExtendWith(LeakRecorder.class)
class PeerMessageMutationTest {

    private static final int ROUNDS = 20_000;

    @Test
    void mutatedCorpusOnlyEverFailsWithPeerWireException() {
        Random random = new Random(0x5EED_B1E3L);
        List<Wire.Sample> corpus = Wire.corpus();
        for (int round = 0; round < ROUNDS; round++) {
            ByteArrayOutputStream stream = new ByteArrayOutputStream();
            int frames = 1 + random.nextInt(3);
            for (int i = 0; i < frames; i++) {
                stream.writeBytes(corpus.get(random.nextInt(corpus.size())).bytes());
            }
            byte[] input = mutate(stream.toByteArray(), random);
            int chunking = random.nextInt(4) == 0 ? 0 : random.nextInt(256);
            try {
                DecoderProperty.check(input, chunking);
            } catch (AssertionError e) {
                throw new AssertionError("round " + round + ", input " + java.util.HexFormat.of().formatHex(input)
                        + ", chunking " + chunking, e);
            }
        }
    }

    private static byte[] mutate(byte[] in, Random random) {
        byte[] b = in;
        int mutations = 1 + random.nextInt(4);
        for (int m = 0; m < mutations && b.length > 0; m++) {
            int at = random.nextInt(b.length);
            switch (random.nextInt(6)) {
                case 0 -> b[at] ^= (byte) (1 << random.nextInt(8));
                case 1 -> b[at] = (byte) random.nextInt(256);
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
                case 4 -> b = java.util.Arrays.copyOf(b, at);
                default -> {
                    // A new length prefix at the start, often just off by a little.
                    if (b.length >= 4) {
                        int delta = random.nextInt(9) - 4;
                        int length = ((b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff)) + delta;
                        b[0] = (byte) (length >>> 24);
                        b[1] = (byte) (length >>> 16);
                        b[2] = (byte) (length >>> 8);
                        b[3] = (byte) length;
                    }
                }
            }
        }
        return b;
    }
}
