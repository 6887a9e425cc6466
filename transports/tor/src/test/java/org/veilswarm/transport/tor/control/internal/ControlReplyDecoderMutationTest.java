package org.veilswarm.transport.tor.control.internal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A bounded, seeded mutation fuzzer over recorded tor output, run in every build (a few seconds with paranoid leak detection):
 * byte flips, inserted framing characters, deletions and duplications. A failure prints the seed and
 * iteration so the input can be rebuilt and added to the Jazzer corpus.
 */
class ControlReplyDecoderMutationTest {
    private static final long SEED = 0x7e11_5a4dL;
    private static final int ITERATIONS = 3_000;
    private static final byte[] INTERESTING = "\r\n.+- 0123456789\"\\=".getBytes(StandardCharsets.US_ASCII);

    private static final List<String> SEEDS = List.of(
            ControlReplyDecoderTest.RECORDED,
            "250+k=\r\n..hidden\r\n\r\n..\r\n.\r\n250 OK\r\n",
            "250-a=1\r\n650 BW 5 6\r\n250-b=2\r\n650+NOTICE\r\nx\r\n.\r\n650 OK\r\n250 OK\r\n",
            "552 Unrecognized key \"nosuch\"\r\n515 Authentication failed: Wrong length on authentication cookie.\r\n",
            "250 AUTHCHALLENGE SERVERHASH=3C87 SERVERNONCE=B476\r\n650 CIRC 7 BUILT $A~a,$B~b PURPOSE=GENERAL\r\n");

    @Test
    void mutatedRepliesKeepTheDecoderProperties() {
        SplittableRandom random = new SplittableRandom(SEED);
        for (int i = 0; i < ITERATIONS; i++) {
            byte[] input = mutate(SEEDS.get(random.nextInt(SEEDS.size())).getBytes(StandardCharsets.UTF_8), random);
            try {
                ReplyFuzzing.check(input, 1 + random.nextInt(7));
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("seed " + SEED + ", iteration " + i + ", input "
                        + new String(input, StandardCharsets.ISO_8859_1).replace("\r", "\\r").replace("\n", "\\n"), e);
            }
        }
    }

    private static byte[] mutate(byte[] input, SplittableRandom random) {
        byte[] out = input;
        int rounds = 1 + random.nextInt(4);
        for (int r = 0; r < rounds && out.length > 0; r++) {
            int at = random.nextInt(out.length);
            switch (random.nextInt(5)) {
                case 0 -> out[at] = (byte) random.nextInt(256);
                case 1 -> out[at] = INTERESTING[random.nextInt(INTERESTING.length)];
                case 2 -> {
                    byte[] grown = new byte[out.length + 1];
                    System.arraycopy(out, 0, grown, 0, at);
                    grown[at] = INTERESTING[random.nextInt(INTERESTING.length)];
                    System.arraycopy(out, at, grown, at + 1, out.length - at);
                    out = grown;
                }
                case 3 -> {
                    int end = Math.min(out.length, at + 1 + random.nextInt(16));
                    byte[] shrunk = new byte[out.length - (end - at)];
                    System.arraycopy(out, 0, shrunk, 0, at);
                    System.arraycopy(out, end, shrunk, at, out.length - end);
                    out = shrunk;
                }
                default -> {
                    int end = Math.min(out.length, at + 1 + random.nextInt(64));
                    byte[] copy = Arrays.copyOf(out, out.length + (end - at));
                    System.arraycopy(out, at, copy, end, out.length - at);
                    out = copy;
                }
            }
            if (out == input) {
                out = input.clone();
            }
        }
        return out;
    }
}
