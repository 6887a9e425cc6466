package org.veilswarm.directory.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.veilswarm.api.directory.PathConstraints;
import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.api.directory.RelayRole;
import org.veilswarm.api.directory.SignedRelayDescriptor;
import org.veilswarm.crypto.Ed25519KeyPair;

/**
 * Bytes a client downloads to bootstrap and pick the relays of 10 circuits (guard, middle, middle: 30 picks
 * under the path constraints) with the merkle scheme versus the consensus scheme's signed list (plain and as
 * served with gzip), and the time to build
 * the trees and answer one query at 10,000 relays. Not a unit test: it runs only with
 * {@code mvn -B -pl bundles/directory-core -Pbench test}, prints a Markdown table and writes it to
 * {@code target/directory-benchmark.md}. Timings are medians of repeated runs with System.nanoTime, not JMH.
 */
class DirectoryBenchmark {
    private static final int AUTHORITIES = 5;
    private static final int CIRCUITS = 10;

    /** Counts the bytes of everything a client receives from an honest directory. */
    private static final class Counting extends TestDirectories.Honest {
        final AtomicLong received = new AtomicLong();
        final AtomicLong answers = new AtomicLong();

        Counting(MerkleDirectory directory) {
            super("counting", directory);
        }

        @Override
        public CompletionStage<byte[]> header() {
            return super.header().thenApply(b -> {
                received.addAndGet(b.length);
                return b;
            });
        }

        @Override
        public CompletionStage<byte[]> find(byte[] consensusId, RelayRole role, long x) {
            return super.find(consensusId, role, x).thenApply(b -> {
                received.addAndGet(b.length);
                answers.incrementAndGet();
                return b;
            });
        }
    }

    @Test
    void run() throws IOException {
        List<Ed25519KeyPair> authorities = TestRelays.authorities(AUTHORITIES);
        AuthoritySet set = TestRelays.authoritySet(authorities);
        List<SignedRelayDescriptor> pool = TestRelays.pool();
        StringBuilder table = new StringBuilder();
        table.append("| relays | merkle: header + answers (find calls) | merkle bytes per picked relay"
                + " | consensus: signed list | consensus: list gzip | consensus (gzip) / merkle |\n"
                + "|---|---|---|---|---|---|\n");
        for (int n : new int[] {100, 1_000, 10_000}) {
            List<SignedRelayDescriptor> relays = pool.subList(0, n);
            MerkleDirectory directory = TestRelays.directory(relays, authorities);
            Counting counting = new Counting(directory);
            MerkleRelaySampler sampler = new MerkleRelaySampler(set, List.of(counting), new SplittableRandom(n),
                    TestRelays.CLOCK, TestRelays.PARSER, MerkleRelaySampler.DEFAULT_MAX_DRAWS);
            for (int c = 0; c < CIRCUITS; c++) {
                PathConstraints constraints = PathConstraints.none();
                for (RelayRole role : List.of(RelayRole.GUARD, RelayRole.MIDDLE, RelayRole.MIDDLE)) {
                    RelayDescriptor hop = sampler.pick(role, constraints).toCompletableFuture().join();
                    constraints = constraints.with(hop);
                }
            }
            long merkle = counting.received.get();
            byte[] list = signedList(relays, authorities).encode();
            long gzip = gzipLength(list);
            table.append(String.format("| %,d | %,d (%d) | %,d | %,d | %,d | %.1f× |%n", n, merkle,
                    counting.answers.get(), merkle / (3 * CIRCUITS), list.length, gzip, (double) gzip / merkle));
        }

        List<SignedRelayDescriptor> all = pool.subList(0, 10_000);
        double buildAll = medianMillis(7, () -> MerkleConsensus.build(all, TestRelays.NOW, TestRelays.NOW.plusSeconds(3600)));
        double buildMiddle = medianMillis(7, () -> RelayMerkleTree.build(RelayRole.MIDDLE, all));
        MerkleDirectory directory = TestRelays.directory(all, authorities);
        byte[] id = directory.header().header().consensusId();
        long sum = directory.tree(RelayRole.MIDDLE).bandwidthSum();
        Random random = new Random(1);
        int queries = 20_000;
        long[] xs = new long[queries];
        for (int i = 0; i < queries; i++) {
            xs[i] = Math.floorMod(random.nextLong(), sum);
        }
        double findMicros = medianMicrosPer(5, queries, () -> {
            for (long x : xs) {
                directory.find(id, RelayRole.MIDDLE, x).encode();
            }
        });
        VerifiedHeader header = set.verify(directory.encodedHeader(), TestRelays.NOW).header().orElseThrow();
        MerkleAnswerVerifier cold = new MerkleAnswerVerifier(TestRelays.PARSER, 0);
        int verifications = 2_000;
        List<byte[]> answers = new ArrayList<>();
        for (int i = 0; i < verifications; i++) {
            answers.add(uncheckedFind(directory, id, xs[i]));
        }
        double verifyMicros = medianMicrosPer(5, verifications, () -> {
            for (int i = 0; i < verifications; i++) {
                cold.verify(header, RelayRole.MIDDLE, xs[i], answers.get(i));
            }
        });
        double parseMicros = medianMicrosPer(5, verifications, () -> {
            for (int i = 0; i < verifications; i++) {
                TestRelays.PARSER.parse(all.get(i).document());
            }
        });
        byte[] message = new byte[32];
        byte[] signature = authorities.get(0).sign(message);
        byte[] publicKey = authorities.get(0).publicKey();
        double ed25519Micros = medianMicrosPer(5, verifications, () -> {
            for (int i = 0; i < verifications; i++) {
                org.veilswarm.crypto.Ed25519.verify(publicKey, message, signature);
            }
        });
        double headerMicros = medianMicrosPer(5, 200, () -> {
            for (int i = 0; i < 200; i++) {
                set.verify(directory.encodedHeader(), TestRelays.NOW);
            }
        });
        byte[] list = signedList(all, authorities).encode();
        double listMillis = medianMillis(3, () -> {
            if (!set.verifyConsensus(list, TestRelays.PARSER, TestRelays.NOW).accepted()) {
                throw new IllegalStateException("the benchmark list does not verify");
            }
        });
        RelayDescriptorParser vouched = RelayDescriptorParser.vouchedForByAuthorities();
        double vouchedMillis = medianMillis(5, () -> {
            if (!set.verifyConsensus(list, vouched, TestRelays.NOW).accepted()) {
                throw new IllegalStateException("the benchmark list does not verify");
            }
        });
        double listBuildMillis = medianMillis(5, () -> MerkleConsensus.of(signedList(all, authorities).document()));
        int averageAnswer = (int) answers.stream().mapToInt(a -> a.length).average().orElseThrow();
        int averageDescriptor = (int) all.stream().mapToInt(d -> d.document().length).average().orElseThrow();
        table.append(String.format("%nAt 10,000 relays (%d authorities; average descriptor %d B, average answer %d B,"
                + " header %d B):%n%n", AUTHORITIES, averageDescriptor, averageAnswer, directory.encodedHeader().length));
        table.append("| operation | median |\n|---|---|\n");
        table.append(String.format("| build the three role trees and the header (`MerkleConsensus.build`) | %.1f ms |%n",
                buildAll));
        table.append(String.format("| build the MIDDLE tree alone (10,000 leaves) | %.1f ms |%n", buildMiddle));
        table.append(String.format("| answer one `find` (lookup + sibling path + encode) | %.1f µs |%n", findMicros));
        table.append(String.format("| client: verify one answer (path + relay signature, cold cache) | %.1f µs |%n",
                verifyMicros));
        table.append(String.format("| client: verify the header (%d Ed25519 signatures) | %.1f µs |%n", AUTHORITIES,
                headerMicros));
        table.append(String.format("| of which: parse + verify one descriptor alone | %.1f µs |%n", parseMicros));
        table.append(String.format("| consensus client: decode + verify the signed list (10,000 relay signatures"
                + " + %d authority signatures) | %.1f ms |%n", AUTHORITIES, listMillis));
        table.append(String.format("| consensus client as the component runs it: decode + verify the list with the"
                + " relay signatures vouched for by the authorities (%d authority signatures) | %.1f ms |%n",
                AUTHORITIES, vouchedMillis));
        table.append(String.format("| authority/cache: build the trees from the consensus list (`MerkleConsensus.of`)"
                + " | %.1f ms |%n", listBuildMillis));
        table.append(String.format("| for scale: one Ed25519 verification (`crypto`) | %.1f µs |%n", ed25519Micros));
        System.out.println(table);
        Files.writeString(Path.of("target/directory-benchmark.md"), table);
    }

    /** The {@code consensus} scheme's list of these relays (their claimed flags), signed by every authority. */
    static SignedConsensus signedList(List<SignedRelayDescriptor> relays, List<Ed25519KeyPair> authorities) {
        List<ConsensusEntry> entries = new ArrayList<>();
        relays.forEach(r -> entries.add(ConsensusEntry.of(r, r.descriptor().flags())));
        ConsensusDocument d = new ConsensusDocument(TestRelays.NOW.minusSeconds(1800), TestRelays.NOW.plusSeconds(1800),
                entries);
        List<HeaderSignature> signatures = new ArrayList<>();
        authorities.forEach(k -> signatures.add(d.sign(k)));
        return d.withSignatures(signatures);
    }

    /** Size of the list as the directory serves it with {@code Content-Encoding: gzip} (best compression). */
    static long gzipLength(byte[] data) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream gzip = new java.util.zip.GZIPOutputStream(out) {
            {
                def.setLevel(java.util.zip.Deflater.BEST_COMPRESSION);
            }
        }) {
            gzip.write(data);
        }
        return out.size();
    }

    private static byte[] uncheckedFind(MerkleDirectory d, byte[] id, long x) {
        try {
            return d.find(id, RelayRole.MIDDLE, x).encode();
        } catch (org.veilswarm.api.directory.DirectoryException e) {
            throw new IllegalStateException(e);
        }
    }

    interface Work {
        void run() throws Exception;
    }

    private static double medianMillis(int runs, Work work) {
        return median(runs, work) / 1e6;
    }

    private static double medianMicrosPer(int runs, int operations, Work work) {
        return median(runs, work) / 1e3 / operations;
    }

    /** Median nanoseconds of {@code runs} runs after two warm-up runs. */
    private static double median(int runs, Work work) {
        long[] times = new long[runs];
        try {
            for (int i = 0; i < 2; i++) {
                work.run();
            }
            for (int i = 0; i < runs; i++) {
                long start = System.nanoTime();
                work.run();
                times[i] = System.nanoTime() - start;
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        Arrays.sort(times);
        return times[runs / 2];
    }
}
