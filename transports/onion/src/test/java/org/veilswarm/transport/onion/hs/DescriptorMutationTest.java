package org.veilswarm.transport.onion.hs;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.veilswarm.crypto.X25519;

/**
 * Bounded in-suite fuzzing: valid documents of every layer, mutated by byte flips, insertions, deletions,
 * truncations and line swaps from a fixed seed, must keep the {@link DescriptorFuzzing} properties.
 */
class DescriptorMutationTest {
    private static final int ROUNDS = 1500;
    private static final Instant NOW = Instant.parse("2026-11-22T04:00:00Z");

    @Test
    void mutatedOuterDocuments() throws Exception {
        TestServices service = TestServices.create();
        byte[] valid = service.builder(TimePeriod.containing(NOW)).revisionCounter(12).build(NOW).encoded();
        DescriptorFuzzing.checkOuter(valid);
        Random random = new Random(1L);
        for (int round = 0; round < ROUNDS; round++) {
            DescriptorFuzzing.checkOuter(mutate(valid, random));
        }
    }

    @Test
    void mutatedFirstLayers() {
        FirstLayer layer = new FirstLayer(X25519.generateKeyPair().publicKey(),
                java.util.List.of(new AuthClient(new byte[8], new byte[16], new byte[16]),
                        new AuthClient(new byte[8], new byte[16], new byte[16])), new byte[300], false);
        byte[] valid = layer.encodePadded();
        Random random = new Random(2L);
        for (int round = 0; round < ROUNDS; round++) {
            DescriptorFuzzing.checkFirstLayer(mutate(Arrays.copyOf(valid, layer.encode().length + 3), random));
        }
    }

    @Test
    void mutatedSecondLayers() throws Exception {
        TestServices service = TestServices.create();
        TimePeriod period = TimePeriod.containing(NOW);
        byte[] document = service.builder(period).introPoint(TestServices.introPoint()).introPoint(TestServices.introPoint())
                .introAuthRequired(true).build(NOW).encoded();
        byte[] valid = HsDescriptorReader.open(document, service.address, period, NOW).secondLayer().encode();
        DescriptorFuzzing.checkSecondLayer(valid);
        Random random = new Random(3L);
        for (int round = 0; round < ROUNDS; round++) {
            DescriptorFuzzing.checkSecondLayer(mutate(valid, random));
        }
    }

    @Test
    void hostileServicesLayers() throws Exception {
        TestServices service = TestServices.create();
        TimePeriod period = TimePeriod.containing(NOW);
        byte[] document = service.builder(period).introPoint(TestServices.introPoint()).build(NOW).encoded();
        DecryptedDescriptor valid = HsDescriptorReader.open(document, service.address, period, NOW);
        byte[] first = valid.firstLayer().encodePadded();
        byte[] second = valid.secondLayer().encode();
        Random random = new Random(4L);
        for (int round = 0; round < ROUNDS / 5; round++) {
            boolean inner = round % 2 == 1;
            byte[] layer = mutate(inner ? second : Arrays.copyOf(first, valid.firstLayer().encode().length + 3), random);
            byte[] input = new byte[layer.length + 1];
            input[0] = (byte) (round & 3);
            System.arraycopy(layer, 0, input, 1, layer.length);
            DescriptorFuzzing.checkHostileService(input);
        }
    }

    static byte[] mutate(byte[] original, Random random) {
        byte[] data = original.clone();
        int mutations = 1 + random.nextInt(3);
        for (int m = 0; m < mutations && data.length > 0; m++) {
            int at = random.nextInt(data.length);
            switch (random.nextInt(6)) {
                case 0 -> data[at] ^= (byte) (1 << random.nextInt(8));
                case 1 -> data[at] = (byte) " \n=-+/0aA\0".charAt(random.nextInt(10));
                case 2 -> data = splice(data, at, new byte[] {(byte) random.nextInt(128)});
                case 3 -> data = concat(Arrays.copyOf(data, at), Arrays.copyOfRange(data, Math.min(data.length, at + 1
                        + random.nextInt(8)), data.length));
                case 4 -> data = Arrays.copyOf(data, at);
                default -> data = swapLines(data, random);
            }
        }
        return data;
    }

    private static byte[] swapLines(byte[] data, Random random) {
        String[] lines = new String(data, StandardCharsets.ISO_8859_1).split("\n", -1);
        if (lines.length < 2) {
            return data;
        }
        int a = random.nextInt(lines.length);
        int b = random.nextInt(lines.length);
        String t = lines[a];
        lines[a] = lines[b];
        lines[b] = t;
        return String.join("\n", lines).getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] splice(byte[] data, int at, byte[] insert) {
        return concat(concat(Arrays.copyOf(data, at), insert), Arrays.copyOfRange(data, at, data.length));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
