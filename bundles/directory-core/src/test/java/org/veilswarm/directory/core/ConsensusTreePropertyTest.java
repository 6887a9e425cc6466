package org.veilswarm.directory.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.api.directory.RelayFlag;
import org.veilswarm.api.directory.RelayRole;
import org.veilswarm.api.directory.SignedRelayDescriptor;
import org.veilswarm.crypto.Ed25519KeyPair;

/**
 * Property test over seeded random consensus lists of 1..10,000 relays whose assigned flags and weights are
 * independent of what the descriptors claim: the merkle trees the authorities derive from the list
 * ({@code MerkleConsensus.of}) hold exactly the relays the list gives each role, with ranges of the list's
 * weights; a directory that answers with the relay's self-reported weight instead, or with a relay the list
 * keeps out of the role, is caught.
 */
class ConsensusTreePropertyTest {
    private static final List<Ed25519KeyPair> AUTHORITIES = TestRelays.authorities(3);
    private static final AuthoritySet SET = TestRelays.authoritySet(AUTHORITIES);
    private static final MerkleAnswerVerifier VERIFIER = new MerkleAnswerVerifier(TestRelays.PARSER);
    private static final int ITERATIONS = 40;

    private static int size(Random random, int iteration) {
        int[] edges = {1, 2, 3, 8, 9, 1024, 10_000};
        if (iteration < edges.length) {
            return edges[iteration];
        }
        return (int) Math.min(10_000, Math.max(1, Math.round(Math.exp(random.nextDouble() * Math.log(10_000)))));
    }

    private static List<ConsensusEntry> randomList(Random random, int size) {
        List<SignedRelayDescriptor> pool = new ArrayList<>(TestRelays.pool());
        Collections.shuffle(pool, random);
        List<ConsensusEntry> entries = new ArrayList<>();
        for (SignedRelayDescriptor d : pool.subList(0, size)) {
            Set<RelayFlag> flags = EnumSet.noneOf(RelayFlag.class);
            for (RelayFlag f : RelayFlag.values()) {
                if (random.nextInt(4) != 0) {
                    flags.add(f);
                }
            }
            long weight = random.nextInt(20) == 0 ? 0 : 1 + random.nextInt(1 << 30);
            entries.add(new ConsensusEntry(d, flags, weight));
        }
        return entries;
    }

    @Test
    void listDerivedTreesFollowTheAssignedFlagsAndWeightsAndForgeriesAreCaught() throws Exception {
        Random random = new Random(3);
        int checked = 0;
        for (int it = 0; it < ITERATIONS; it++) {
            List<ConsensusEntry> entries = randomList(random, size(random, it));
            ConsensusDocument list = new ConsensusDocument(TestRelays.NOW.minusSeconds(1800),
                    TestRelays.NOW.plusSeconds(1800), entries);
            MerkleConsensus consensus = MerkleConsensus.of(list);
            List<HeaderSignature> signatures = new ArrayList<>();
            AUTHORITIES.forEach(k -> signatures.add(consensus.header().sign(k)));
            MerkleDirectory directory = consensus.serve(signatures);
            VerifiedHeader header = SET.verify(directory.encodedHeader(), TestRelays.NOW).header().orElseThrow();
            Map<RelayDescriptor.Key, ConsensusEntry> byIdentity = new HashMap<>();
            entries.forEach(e -> byIdentity.put(e.identity(), e));
            for (RelayRole role : RelayRole.values()) {
                long eligible = entries.stream().filter(e -> e.weight() > 0
                        && e.flags().containsAll(role.requiredFlags())).count();
                long sum = entries.stream().filter(e -> e.weight() > 0 && e.flags().containsAll(role.requiredFlags()))
                        .mapToLong(ConsensusEntry::weight).sum();
                assertEquals(eligible, header.index(role).relayCount(), "the list decides who is in " + role);
                assertEquals(sum, header.index(role).bandwidthSum());
                if (sum == 0) {
                    continue;
                }
                long x = random.nextLong(sum);
                MerkleAnswer honest = directory.find(header.consensusId(), role, x);
                RelayDescriptor picked = VERIFIER.verify(header, role, x, honest.encode());
                ConsensusEntry entry = byIdentity.get(picked.identityKey());
                assertTrue(entry.flags().containsAll(role.requiredFlags()));
                assertEquals(entry.weight(), honest.rangeEnd() - honest.rangeStart(), "ranges are the list's weights");

                // A directory using the relay's self-reported weight for its range instead of the list's.
                long claimed = picked.weight();
                if (claimed != entry.weight() && honest.rangeStart() + claimed <= sum && claimed > 0
                        && x < honest.rangeStart() + claimed) {
                    MerkleAnswer selfReported = new MerkleAnswer(honest.consensusId(), role, honest.leafIndex(),
                            honest.rangeStart(), honest.rangeStart() + claimed, honest.descriptor(), honest.path());
                    assertThrows(AnswerRejectedException.class,
                            () -> VERIFIER.verify(header, role, x, selfReported.encode()));
                    checked++;
                }
                // A relay the list keeps out of this role, passed off with the honest leaf's range and path.
                for (ConsensusEntry outsider : entries) {
                    if (!outsider.flags().containsAll(role.requiredFlags()) || outsider.weight() == 0) {
                        MerkleAnswer smuggled = new MerkleAnswer(honest.consensusId(), role, honest.leafIndex(),
                                honest.rangeStart(), honest.rangeEnd(), outsider.signed().document(), honest.path());
                        AnswerRejectedException e = assertThrows(AnswerRejectedException.class,
                                () -> VERIFIER.verify(header, role, x, smuggled.encode()));
                        assertEquals(AnswerRejectedException.Reason.ROOT_MISMATCH, e.reason());
                        checked++;
                        break;
                    }
                }
            }
        }
        assertTrue(checked > 50, "only " + checked + " forgeries were tried");
    }

    @Test
    void theListAndItsTreesAgreeOnTheRelays() throws Exception {
        Random random = new Random(4);
        List<ConsensusEntry> entries = randomList(random, 300);
        ConsensusDocument list = new ConsensusDocument(TestRelays.NOW.minusSeconds(1800),
                TestRelays.NOW.plusSeconds(1800), entries);
        MerkleConsensus consensus = MerkleConsensus.of(list);
        for (RelayRole role : RelayRole.values()) {
            BandwidthRanges<ConsensusEntry> ranges = BandwidthRanges.of(role, list.entries(), ConsensusEntry::relay,
                    ConsensusEntry::weight);
            RelayMerkleTree tree = consensus.tree(role);
            assertEquals(ranges.size(), tree.size());
            for (int i = 0; i < ranges.size(); i++) {
                assertArrayEquals(ranges.relay(i).signed().document(), tree.ranges().relay(i).document());
                assertEquals(ranges.start(i), tree.ranges().start(i));
            }
        }
    }
}
