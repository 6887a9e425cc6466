package org.veilswarm.directory.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

import org.junit.jupiter.api.Test;
import org.veilswarm.api.directory.DirectoryException;
import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.api.directory.RelayRole;
import org.veilswarm.api.directory.SignedRelayDescriptor;
import org.veilswarm.crypto.Ed25519KeyPair;
import org.veilswarm.directory.core.AnswerRejectedException.Reason;

/**
 * Property tests over seeded random trees of 1..10,000 relays: honest answers verify, and every way a
 * malicious directory can bend an answer is caught (docs/protocols/directory-merkle.md §5).
 */
class MerkleTreePropertyTest {
    private static final List<Ed25519KeyPair> AUTHORITIES = TestRelays.authorities(3);
    private static final AuthoritySet SET = TestRelays.authoritySet(AUTHORITIES);
    private static final MerkleAnswerVerifier VERIFIER = new MerkleAnswerVerifier(TestRelays.PARSER);
    private static final int ITERATIONS = 200;
    /** Each tampering iteration builds two consensuses (today's and a stale one), so fewer of them. */
    private static final int TAMPERING_ITERATIONS = 120;

    private record World(MerkleDirectory directory, VerifiedHeader header, List<SignedRelayDescriptor> relays) {
    }

    private static World world(Random random, int size) {
        List<SignedRelayDescriptor> pool = new ArrayList<>(TestRelays.pool());
        Collections.shuffle(pool, random);
        List<SignedRelayDescriptor> relays = pool.subList(0, size);
        MerkleDirectory directory = TestRelays.directory(relays, AUTHORITIES);
        VerifiedHeader header = SET.verify(directory.encodedHeader(), TestRelays.NOW).header().orElseThrow();
        return new World(directory, header, relays);
    }

    /** Log-uniform sizes from 1 to 10,000, plus the edges (1, 2, 3, powers of two and their neighbours). */
    private static int size(Random random, int iteration) {
        int[] edges = {1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 1023, 1024, 1025, 10_000};
        if (iteration < edges.length) {
            return edges[iteration];
        }
        return (int) Math.min(10_000, Math.max(1, Math.round(Math.exp(random.nextDouble() * Math.log(10_000)))));
    }

    private static RelayRole roleWithRelays(Random random, World w) {
        for (int tries = 0; tries < 10; tries++) {
            RelayRole role = RelayRole.values()[random.nextInt(RelayRole.values().length)];
            if (w.header.index(role).relayCount() > 0) {
                return role;
            }
        }
        return RelayRole.MIDDLE;
    }

    @Test
    void honestAnswersVerifyAndReturnTheRelayOwningTheNumber() throws Exception {
        Random random = new Random(1);
        for (int it = 0; it < ITERATIONS; it++) {
            World w = world(random, size(random, it));
            for (RelayRole role : RelayRole.values()) {
                RoleIndex index = w.header.index(role);
                RelayMerkleTree tree = w.directory.tree(role);
                assertEquals(tree.size(), index.relayCount());
                if (index.bandwidthSum() == 0) {
                    assertThrows(DirectoryException.class, () -> w.directory.find(w.header.consensusId(), role, 0));
                    continue;
                }
                long[] xs = {0, index.bandwidthSum() - 1, random.nextLong(index.bandwidthSum())};
                for (long x : xs) {
                    MerkleAnswer answer = w.directory.find(w.header.consensusId(), role, x);
                    RelayDescriptor verified = VERIFIER.verify(w.header, role, x, answer.encode());
                    int expected = tree.ranges().indexOf(x);
                    assertArrayEquals(tree.ranges().relay(expected).descriptor().identity(), verified.identity());
                    assertTrue(verified.flags().containsAll(role.requiredFlags()));
                    assertTrue(answer.rangeStart() <= x && x < answer.rangeEnd());
                    assertEquals(verified.weight(), answer.rangeEnd() - answer.rangeStart());
                }
            }
        }
    }

    @Test
    void everyTamperingIsCaught() throws Exception {
        Random random = new Random(2);
        int caught = 0;
        for (int it = 0; it < TAMPERING_ITERATIONS; it++) {
            int n = size(random, it);
            World w = world(random, n);
            RelayRole role = roleWithRelays(random, w);
            RoleIndex index = w.header.index(role);
            if (index.relayCount() == 0) {
                continue;
            }
            long x = random.nextLong(index.bandwidthSum());
            MerkleAnswer honest = w.directory.find(w.header.consensusId(), role, x);
            VERIFIER.verify(w.header, role, x, honest);
            List<byte[]> path = honest.path();

            if (index.relayCount() > 1) {
                // The wrong relay for x: an honest answer for another leaf.
                long other = otherLeafNumber(random, w.directory.tree(role), honest);
                MerkleAnswer wrong = w.directory.find(w.header.consensusId(), role, other);
                caught += rejects(w, role, x, wrong.encode(), Reason.NOT_IN_RANGE);
                // ... relabelled with x's range, so the range check passes.
                caught += rejects(w, role, x, with(wrong, a -> new MerkleAnswer(a.consensusId(), a.role(),
                        a.leafIndex(), honest.rangeStart(), honest.rangeEnd(), a.descriptor(), a.path())), null);
                // ... or with x's leaf index too.
                caught += rejects(w, role, x, with(wrong, a -> new MerkleAnswer(a.consensusId(), a.role(),
                        honest.leafIndex(), honest.rangeStart(), honest.rangeEnd(), a.descriptor(), honest.path())),
                        Reason.ROOT_MISMATCH);
                // The right leaf under a wrong index.
                long badIndex = honest.leafIndex() == 0 ? 1 : honest.leafIndex() - 1;
                caught += rejects(w, role, x, with(honest, a -> new MerkleAnswer(a.consensusId(), a.role(), badIndex,
                        a.rangeStart(), a.rangeEnd(), a.descriptor(), a.path())), null);
            }
            if (!path.isEmpty()) {
                // A forged sibling hash.
                int k = random.nextInt(path.size());
                List<byte[]> forged = new ArrayList<>(path);
                byte[] h = forged.get(k).clone();
                h[random.nextInt(32)] ^= (byte) (1 << random.nextInt(8));
                forged.set(k, h);
                caught += rejects(w, role, x, withPath(honest, forged), Reason.ROOT_MISMATCH);
                // A truncated path.
                caught += rejects(w, role, x, withPath(honest, path.subList(0, path.size() - 1)), Reason.PATH_LENGTH);
            }
            if (path.size() >= 2) {
                // Two siblings swapped.
                List<byte[]> swapped = new ArrayList<>(path);
                int a = random.nextInt(path.size());
                int b = (a + 1 + random.nextInt(path.size() - 1)) % path.size();
                Collections.swap(swapped, a, b);
                caught += rejects(w, role, x, withPath(honest, swapped), Reason.ROOT_MISMATCH);
            }
            // An extra path element.
            List<byte[]> extra = new ArrayList<>(path);
            byte[] junk = new byte[32];
            random.nextBytes(junk);
            extra.add(random.nextInt(extra.size() + 1), junk);
            caught += rejects(w, role, x, withPath(honest, extra), Reason.PATH_LENGTH);
            // A wrong range that still holds x, and one that does not fit the sum.
            long start = honest.rangeStart();
            long end = honest.rangeEnd();
            if (x > start) {
                caught += rejects(w, role, x, withRange(honest, start + 1, end), Reason.ROOT_MISMATCH);
            } else if (start > 0) {
                caught += rejects(w, role, x, withRange(honest, start - 1, end), Reason.ROOT_MISMATCH);
            }
            if (end < index.bandwidthSum()) {
                caught += rejects(w, role, x, withRange(honest, start, end + 1), Reason.ROOT_MISMATCH);
            } else {
                caught += rejects(w, role, x, withRange(honest, start, end + 1), Reason.BAD_RANGE);
            }
            caught += rejects(w, role, x, withRange(honest, end, start), Reason.BAD_RANGE);
            // A modified descriptor: another relay's validly signed one, or one byte changed.
            SignedRelayDescriptor stranger = TestRelays.pool().get(random.nextInt(TestRelays.pool().size()));
            if (!java.util.Arrays.equals(stranger.document(), honest.descriptor())) {
                caught += rejects(w, role, x, with(honest, a -> new MerkleAnswer(a.consensusId(), a.role(),
                        a.leafIndex(), a.rangeStart(), a.rangeEnd(), stranger.document(), a.path())),
                        Reason.ROOT_MISMATCH);
            }
            byte[] descriptor = honest.descriptor();
            descriptor[random.nextInt(descriptor.length - 1)] ^= 0x01;
            caught += rejects(w, role, x, with(honest, a -> new MerkleAnswer(a.consensusId(), a.role(), a.leafIndex(),
                    a.rangeStart(), a.rangeEnd(), descriptor, a.path())), Reason.ROOT_MISMATCH);
            // A stale consensus: an honest answer from yesterday's directory with one relay more or less.
            List<SignedRelayDescriptor> yesterday = new ArrayList<>(w.relays);
            if (n > 1) {
                yesterday.remove(random.nextInt(n));
            } else {
                yesterday.add(TestRelays.pool().get(TestRelays.pool().indexOf(w.relays.get(0)) == 0 ? 1 : 0));
            }
            MerkleConsensus old = MerkleConsensus.build(yesterday, TestRelays.NOW.minusSeconds(90_000),
                    TestRelays.NOW.minusSeconds(86_400));
            MerkleDirectory stale = old.serve(List.of(old.header().sign(AUTHORITIES.get(0))));
            RelayRole staleRole = stale.tree(role).bandwidthSum() > 0 ? role : RelayRole.MIDDLE;
            long staleX = random.nextLong(stale.tree(staleRole).bandwidthSum());
            MerkleAnswer staleAnswer = stale.find(old.header().consensusId(), staleRole, staleX);
            if (staleRole == role && staleX < index.bandwidthSum()) {
                caught += rejects(w, role, staleX, staleAnswer.encode(), Reason.WRONG_CONSENSUS);
                // ... with the current consensus id pasted in.
                if (!java.util.Arrays.equals(old.tree(role).root(), index.root())) {
                    caught += rejects(w, role, staleX, with(staleAnswer, a -> new MerkleAnswer(w.header.consensusId(),
                            a.role(), a.leafIndex(), a.rangeStart(), a.rangeEnd(), a.descriptor(), a.path())), null);
                }
            }
            assertThrows(DirectoryException.class, () -> w.directory.find(old.header().consensusId(), role, x));
            // An answer from another role's tree, as is and relabelled.
            for (RelayRole other : RelayRole.values()) {
                RoleIndex otherIndex = w.header.index(other);
                if (other == role || otherIndex.bandwidthSum() == 0) {
                    continue;
                }
                long y = Math.min(x, otherIndex.bandwidthSum() - 1);
                MerkleAnswer fromOther = w.directory.find(w.header.consensusId(), other, y);
                caught += rejects(w, role, y, fromOther.encode(), Reason.WRONG_ROLE);
                if (y < index.bandwidthSum() && !sameLeaf(fromOther, w.directory.find(w.header.consensusId(), role, y))) {
                    caught += rejects(w, role, y, with(fromOther, a -> new MerkleAnswer(a.consensusId(), role,
                            a.leafIndex(), a.rangeStart(), a.rangeEnd(), a.descriptor(), a.path())), null);
                }
            }
            // Every single-byte change of the encoded answer.
            byte[] encoded = honest.encode();
            int positions = n <= 8 ? encoded.length : 12;
            for (int p = 0; p < positions; p++) {
                int at = n <= 8 ? p : random.nextInt(encoded.length);
                byte[] changed = encoded.clone();
                changed[at] ^= (byte) (1 + random.nextInt(255));
                caught += rejects(w, role, x, changed, null);
            }
        }
        assertTrue(caught > TAMPERING_ITERATIONS * 20, "tamperings tried: " + caught);
    }

    @Test
    void pathLengthsFollowTheOddNodeRule() {
        // Leaf counts and the sibling hashes each leaf's path has, worked out by hand from the rule.
        assertEquals(0, RelayMerkleTree.pathLength(0, 1));
        assertEquals(1, RelayMerkleTree.pathLength(1, 2));
        assertEquals(2, RelayMerkleTree.pathLength(0, 3));
        assertEquals(1, RelayMerkleTree.pathLength(2, 3));
        assertEquals(3, RelayMerkleTree.pathLength(7, 8));
        assertEquals(1, RelayMerkleTree.pathLength(8, 9));
        assertEquals(2, RelayMerkleTree.pathLength(4, 5) + 1);
        for (int n = 1; n <= 10_000; n = n * 3 + 1) {
            int ceilLog2 = 32 - Integer.numberOfLeadingZeros(n - 1);
            for (int i = 0; i < n; i += Math.max(1, n / 7)) {
                assertTrue(RelayMerkleTree.pathLength(i, n) <= ceilLog2);
            }
            assertEquals(ceilLog2, RelayMerkleTree.pathLength(0, n));
        }
    }

    @Test
    void sameRelaysGiveTheSameRootWhateverTheInputOrder() {
        Random random = new Random(5);
        List<SignedRelayDescriptor> relays = new ArrayList<>(TestRelays.pool().subList(0, 500));
        byte[] root = RelayMerkleTree.build(RelayRole.MIDDLE, relays).root();
        Collections.shuffle(relays, random);
        assertArrayEquals(root, RelayMerkleTree.build(RelayRole.MIDDLE, relays).root());
    }

    @Test
    void ofTwoDescriptorsForOneRelayTheNewestIsUsed() throws Exception {
        Ed25519KeyPair key = TestRelays.key(42);
        SignedRelayDescriptor older = TestRelays.relay(key, 10, RelayRole.GUARD.requiredFlags());
        RelayDescriptor d = older.descriptor();
        SignedRelayDescriptor newer = RelayDescriptorDocument.sign(new RelayDescriptor(d.identity(), d.ntorOnionKey(),
                d.orAddresses(), 20, 0, d.family(), d.version(), d.flags(), d.published().plusSeconds(60)), key);
        MerkleConsensus c = MerkleConsensus.build(List.of(newer, older), TestRelays.NOW.minusSeconds(1),
                TestRelays.NOW.plusSeconds(1));
        assertEquals(1, c.tree(RelayRole.MIDDLE).size());
        assertEquals(20, c.tree(RelayRole.MIDDLE).bandwidthSum());
    }

    /** Whether relabelling the answer's role would just give the honest answer (same relay, range and place). */
    private static boolean sameLeaf(MerkleAnswer a, MerkleAnswer b) {
        return a.leafIndex() == b.leafIndex() && a.rangeStart() == b.rangeStart() && a.rangeEnd() == b.rangeEnd()
                && java.util.Arrays.equals(a.descriptor(), b.descriptor()) && a.path().size() == b.path().size()
                && java.util.stream.IntStream.range(0, a.path().size())
                        .allMatch(i -> java.util.Arrays.equals(a.path().get(i), b.path().get(i)));
    }

    @Test
    void aDescriptorWithoutAValidRelaySignatureIsRefusedEvenUnderASignedRoot() throws Exception {
        SignedRelayDescriptor good = TestRelays.pool().get(0);
        byte[] document = good.document();
        // Authorities (wrongly) committed to a descriptor whose relay signature was altered.
        int sig = new String(document, java.nio.charset.StandardCharsets.US_ASCII).indexOf("signature-ed25519 ") + 20;
        document[sig] = (byte) (document[sig] == 'A' ? 'B' : 'A');
        SignedRelayDescriptor forged = new SignedRelayDescriptor(good.descriptor(), document);
        MerkleDirectory directory = TestRelays.directory(List.of(forged), AUTHORITIES);
        VerifiedHeader header = SET.verify(directory.encodedHeader(), TestRelays.NOW).header().orElseThrow();
        MerkleAnswer answer = directory.find(header.consensusId(), RelayRole.MIDDLE, 0);
        AnswerRejectedException e = assertThrows(AnswerRejectedException.class,
                () -> VERIFIER.verify(header, RelayRole.MIDDLE, 0, answer.encode()));
        assertEquals(Reason.BAD_DESCRIPTOR, e.reason());
        assertTrue(e.getMessage().contains("BAD_SIGNATURE"), e.getMessage());
    }

    private static long otherLeafNumber(Random random, RelayMerkleTree tree, MerkleAnswer honest) {
        int other;
        do {
            other = random.nextInt(tree.size());
        } while (other == honest.leafIndex());
        return tree.ranges().start(other);
    }

    private static byte[] with(MerkleAnswer answer, Function<MerkleAnswer, MerkleAnswer> change) {
        return change.apply(answer).encode();
    }

    private static byte[] withPath(MerkleAnswer a, List<byte[]> path) {
        return new MerkleAnswer(a.consensusId(), a.role(), a.leafIndex(), a.rangeStart(), a.rangeEnd(),
                a.descriptor(), path).encode();
    }

    private static byte[] withRange(MerkleAnswer a, long start, long end) {
        return new MerkleAnswer(a.consensusId(), a.role(), a.leafIndex(), start, end, a.descriptor(), a.path())
                .encode();
    }

    /** Asserts rejection (with {@code reason} when given) and returns 1 for the count. */
    private static int rejects(World w, RelayRole role, long x, byte[] answer, Reason reason) {
        try {
            RelayDescriptor accepted = VERIFIER.verify(w.header, role, x, answer);
            fail("tampered answer accepted for " + role + " x=" + x + " in a tree of "
                    + w.header.index(role).relayCount() + ": " + accepted.identityKey());
        } catch (AnswerRejectedException e) {
            if (reason != null) {
                assertEquals(reason, e.reason(), e.getMessage());
            }
        }
        return 1;
    }
}
