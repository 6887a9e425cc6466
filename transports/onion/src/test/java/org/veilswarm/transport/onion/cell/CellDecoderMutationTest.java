package org.veilswarm.transport.onion.cell;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.veilswarm.transport.onion.cell.CellFormatException.Defect;
import org.veilswarm.transport.onion.testing.LeakCheck;

/**
 * A bounded, seeded mutation fuzzer over the Jazzer seed corpus, so that every build exercises
 * malformed input beyond the seeds (Jazzer's regression mode only replays them). Deterministic: a
 * failure names its seed, round and mutation and reproduces.
 */
@ExtendWith(LeakCheck.class)
class CellDecoderMutationTest {
    private static final int ROUNDS = 1500;

    @Test
    void mutatedLinkStreamsKeepTheDecoderProperties() {
        Set<Defect> met = EnumSet.noneOf(Defect.class);
        met.addAll(fuzz("decodeFromLinkStart", 2, 1L));
        met.addAll(fuzz("decodeNegotiatedLink", 4, 2L));
        // The mutations must reach the decoder's error paths, or this test proves little.
        assertTrue(met.containsAll(EnumSet.of(Defect.CELL_BEFORE_VERSIONS, Defect.WRONG_CIRCUIT_ID,
                Defect.TRUNCATED, Defect.LENGTH_OUT_OF_RANGE, Defect.MALFORMED_VERSIONS)), "defects met: " + met);
    }

    @Test
    void mutatedRelayPayloadsOnlyFailAsCircuitFatal() {
        List<byte[]> seeds = seeds("decodeRelayPayload");
        Random random = new Random(3L);
        Set<Defect> met = EnumSet.noneOf(Defect.class);
        int decoded = 0;
        for (int round = 0; round < ROUNDS; round++) {
            byte[] input = mutate(seeds.get(random.nextInt(seeds.size())), seeds, random);
            try {
                Defect defect = CellFuzzing.checkRelayPayload(input);
                if (defect == null) {
                    decoded++;
                } else {
                    met.add(defect);
                }
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("relay payload round " + round + ": " + HexFormat.of().formatHex(input), e);
            }
        }
        assertTrue(decoded > ROUNDS / 10, "too few mutants decode: " + decoded);
        assertTrue(met.containsAll(EnumSet.of(Defect.TRUNCATED, Defect.LENGTH_OUT_OF_RANGE, Defect.BAD_ADDRESS,
                Defect.BAD_LINK_SPECIFIER)), "defects met: " + met);
    }

    private static Set<Defect> fuzz(String corpus, int link, long seed) {
        Set<Defect> met = EnumSet.noneOf(Defect.class);
        List<byte[]> seeds = seeds(corpus);
        Random random = new Random(seed);
        for (int round = 0; round < ROUNDS; round++) {
            byte[] input = mutate(seeds.get(random.nextInt(seeds.size())), seeds, random);
            int[] splits = random.ints(random.nextInt(4), 0, input.length + 1).sorted().toArray();
            try {
                met.addAll(CellFuzzing.check(link, input, splits));
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError(corpus + " round " + round + ", splits " + Arrays.toString(splits) + ": "
                        + HexFormat.of().formatHex(input), e);
            }
        }
        return met;
    }

    /** One to four of: bit flip, byte set, interesting value at a random place, truncate, duplicate, insert, splice. */
    static byte[] mutate(byte[] original, List<byte[]> seeds, Random random) {
        byte[] data = original.clone();
        int mutations = 1 + random.nextInt(4);
        for (int m = 0; m < mutations; m++) {
            if (data.length == 0) {
                data = new byte[] {(byte) random.nextInt(256)};
            }
            int at = random.nextInt(data.length);
            switch (random.nextInt(7)) {
                case 0 -> data[at] ^= (byte) (1 << random.nextInt(8));
                case 1 -> data[at] = (byte) random.nextInt(256);
                case 2 -> {
                    // Length fields and commands live in a few bytes: try the boundaries.
                    int[] interesting = {0, 1, 0x7f, 0x80, 0xff, 0x01f2, 0x01f3, 0x01fd, 0xffff};
                    int value = interesting[random.nextInt(interesting.length)];
                    data[at] = (byte) (value >> 8);
                    if (at + 1 < data.length) {
                        data[at + 1] = (byte) value;
                    }
                }
                case 3 -> data = Arrays.copyOf(data, random.nextInt(data.length + 1));
                case 4 -> {
                    int length = random.nextInt(Math.min(64, data.length - at) + 1);
                    byte[] grown = new byte[data.length + length];
                    System.arraycopy(data, 0, grown, 0, at + length);
                    System.arraycopy(data, at, grown, at + length, data.length - at);
                    data = grown;
                }
                case 5 -> {
                    byte[] inserted = new byte[1 + random.nextInt(8)];
                    random.nextBytes(inserted);
                    byte[] grown = new byte[data.length + inserted.length];
                    System.arraycopy(data, 0, grown, 0, at);
                    System.arraycopy(inserted, 0, grown, at, inserted.length);
                    System.arraycopy(data, at, grown, at + inserted.length, data.length - at);
                    data = grown;
                }
                default -> {
                    byte[] other = seeds.get(random.nextInt(seeds.size()));
                    int from = other.length == 0 ? 0 : random.nextInt(other.length);
                    byte[] spliced = Arrays.copyOf(data, at + other.length - from);
                    System.arraycopy(other, from, spliced, at, other.length - from);
                    data = spliced;
                }
            }
        }
        return data;
    }

    static List<byte[]> seeds(String method) {
        try {
            Path dir = Path.of(CellDecoderMutationTest.class.getResource("CellDecoderFuzzTestInputs/" + method).toURI());
            try (Stream<Path> files = Files.list(dir)) {
                return files.sorted().map(CellDecoderMutationTest::read).toList();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
