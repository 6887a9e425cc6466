package org.veilswarm.directory.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.api.directory.RelayRole;

/**
 * The relays eligible for one role, in the deterministic order (identity key, unsigned bytes ascending), each
 * owning the range [start, start + weight) of [0, sum). A number drawn uniformly from [0, sum) therefore
 * selects a relay with probability weight / sum. Shared by the merkle tree and the full-list sampler, so
 * both schemes weight alike.
 *
 * @param <T> what is ranged (a signed or a plain descriptor)
 */
public final class BandwidthRanges<T> {
    private final List<T> relays;
    private final long[] starts;
    private final long sum;

    private BandwidthRanges(List<T> relays, long[] starts, long sum) {
        this.relays = relays;
        this.starts = starts;
        this.sum = sum;
    }

    /**
     * Relays carrying every flag {@code role} requires and a weight of at least 1, sorted by identity.
     *
     * @throws IllegalArgumentException on two entries with the same identity or more than
     *         {@link RelayMerkleTree#MAX_RELAYS} eligible relays
     */
    public static <T> BandwidthRanges<T> of(RelayRole role, Collection<T> candidates,
            Function<T, RelayDescriptor> descriptorOf) {
        return of(role, candidates, descriptorOf, c -> descriptorOf.apply(c).weight());
    }

    /**
     * As {@link #of(RelayRole, Collection, Function)}, with the weight each relay's range gets given separately
     * (the authorities' weight of a {@link ConsensusEntry}, and its assigned flags in {@code descriptorOf}).
     */
    public static <T> BandwidthRanges<T> of(RelayRole role, Collection<T> candidates,
            Function<T, RelayDescriptor> descriptorOf, java.util.function.ToLongFunction<T> weightOf) {
        List<T> eligible = new ArrayList<>();
        for (T candidate : candidates) {
            RelayDescriptor d = descriptorOf.apply(candidate);
            if (d.flags().containsAll(role.requiredFlags()) && weightOf.applyAsLong(candidate) > 0) {
                eligible.add(candidate);
            }
        }
        if (eligible.size() > RelayMerkleTree.MAX_RELAYS) {
            throw new IllegalArgumentException(eligible.size() + " relays, at most " + RelayMerkleTree.MAX_RELAYS);
        }
        Comparator<T> byIdentity = (a, b) -> Arrays.compareUnsigned(descriptorOf.apply(a).identity(),
                descriptorOf.apply(b).identity());
        eligible.sort(byIdentity);
        long[] starts = new long[eligible.size()];
        long sum = 0;
        for (int i = 0; i < eligible.size(); i++) {
            if (i > 0 && byIdentity.compare(eligible.get(i - 1), eligible.get(i)) == 0) {
                throw new IllegalArgumentException("two descriptors for relay " + descriptorOf.apply(eligible.get(i))
                        .identityKey());
            }
            starts[i] = sum;
            // Weights are at most 2^40 and relays at most 2^20, so the sum stays below 2^60.
            sum += weightOf.applyAsLong(eligible.get(i));
        }
        return new BandwidthRanges<>(List.copyOf(eligible), starts, sum);
    }

    /** The same ranges over other values (for example the signed descriptors of entries). */
    public <U> BandwidthRanges<U> map(Function<T, U> f) {
        List<U> mapped = new ArrayList<>(relays.size());
        relays.forEach(r -> mapped.add(f.apply(r)));
        return new BandwidthRanges<>(List.copyOf(mapped), starts, sum);
    }

    public int size() {
        return relays.size();
    }

    public long sum() {
        return sum;
    }

    public T relay(int index) {
        return relays.get(index);
    }

    public List<T> relays() {
        return relays;
    }

    public long start(int index) {
        return starts[index];
    }

    public long end(int index) {
        return index + 1 < starts.length ? starts[index + 1] : sum;
    }

    /** The index whose range holds {@code x}. */
    public int indexOf(long x) {
        if (x < 0 || x >= sum) {
            throw new IllegalArgumentException("x = " + x + " outside [0, " + sum + ")");
        }
        int found = Arrays.binarySearch(starts, x);
        return found >= 0 ? found : -found - 2;
    }
}
