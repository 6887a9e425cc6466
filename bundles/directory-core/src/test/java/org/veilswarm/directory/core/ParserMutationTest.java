package org.veilswarm.directory.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.veilswarm.api.directory.RelayRole;

/**
 * A bounded, seeded mutation run over the same properties as {@link DirectoryFuzzTest}, so every build
 * exercises mutated input (Jazzer's regression mode replays seeds only). Mutations: flip a bit, set a byte,
 * insert or delete a run of bytes, truncate, duplicate or drop a line.
 */
class ParserMutationTest {
    private static final int MUTANTS_PER_SEED = 1500;

    @Test
    void descriptorParserHoldsUnderMutation() throws IOException {
        List<byte[]> seeds = new ArrayList<>();
        try (var files = Files.list(Path.of("src/test/resources/good-descriptors"))) {
            for (Path p : files.sorted().toList()) {
                seeds.add(Files.readAllBytes(p));
            }
        }
        run(seeds, ParserProperties::descriptor, 31);
    }

    @Test
    void headerDecoderHoldsUnderMutation() {
        run(List.of(ParserProperties.directory().encodedHeader()), ParserProperties::header, 32);
    }

    @Test
    void answerDecoderHoldsUnderMutation() throws Exception {
        MerkleDirectory d = ParserProperties.directory();
        byte[] id = d.header().header().consensusId();
        run(List.of(d.find(id, RelayRole.MIDDLE, 0).encode(),
                d.find(id, RelayRole.GUARD, d.tree(RelayRole.GUARD).bandwidthSum() - 1).encode()),
                ParserProperties::answer, 33);
    }

    @Test
    void consensusDecoderHoldsUnderMutation() {
        run(List.of(ParserProperties.smallConsensus()), ParserProperties::consensus, 34);
    }

    private static void run(List<byte[]> seeds, Consumer<byte[]> property, long seed) {
        Random random = new Random(seed);
        for (byte[] original : seeds) {
            property.accept(original);
            for (int i = 0; i < MUTANTS_PER_SEED; i++) {
                byte[] mutant = mutate(original, random);
                try {
                    property.accept(mutant);
                } catch (RuntimeException | AssertionError e) {
                    throw new AssertionError("mutant " + i + " of seed " + seeds.indexOf(original) + ": "
                            + java.util.HexFormat.of().formatHex(mutant), e);
                }
            }
        }
    }

    static byte[] mutate(byte[] in, Random random) {
        byte[] out = in.clone();
        int rounds = 1 + random.nextInt(3);
        for (int r = 0; r < rounds && out.length > 0; r++) {
            int at = random.nextInt(out.length);
            switch (random.nextInt(7)) {
                case 0 -> out[at] ^= (byte) (1 << random.nextInt(8));
                case 1 -> out[at] = (byte) random.nextInt(256);
                case 2 -> {
                    byte[] run = new byte[1 + random.nextInt(8)];
                    random.nextBytes(run);
                    out = splice(out, at, 0, run);
                }
                case 3 -> out = splice(out, at, Math.min(out.length - at, 1 + random.nextInt(8)), new byte[0]);
                case 4 -> out = Arrays.copyOf(out, at);
                case 5 -> {
                    int[] line = lineAt(out, at);
                    out = splice(out, line[0], 0, Arrays.copyOfRange(out, line[0], line[1]));
                }
                default -> {
                    int[] line = lineAt(out, at);
                    out = splice(out, line[0], line[1] - line[0], new byte[0]);
                }
            }
        }
        return out;
    }

    private static int[] lineAt(byte[] b, int at) {
        int start = at;
        while (start > 0 && b[start - 1] != '\n') {
            start--;
        }
        int end = at;
        while (end < b.length && b[end] != '\n') {
            end++;
        }
        return new int[] {start, Math.min(b.length, end + 1)};
    }

    private static byte[] splice(byte[] b, int at, int remove, byte[] insert) {
        byte[] out = new byte[b.length - remove + insert.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(b, at + remove, out, at + insert.length, b.length - at - remove);
        return out;
    }
}
