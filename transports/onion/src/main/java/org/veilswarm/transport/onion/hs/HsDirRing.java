package org.veilswarm.transport.onion.hs;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.api.directory.RelayFlag;

/**
 * The HSDir hash ring of one time period (rend-spec-v3 §2.2.3). Every relay with the HSDir flag sits at
 * {@code hs_relay_index = SHA3-256("node-idx" | ed25519_id | SRV | INT_8(period_num) | INT_8(period_length))};
 * a service's descriptor replica {@code r} (1..hsdir_n_replicas) starts at
 * {@code hs_service_index(r) = SHA3-256("store-at-idx" | blinded_key | INT_8(r) | INT_8(period_length) |
 * INT_8(period_num))}. For each replica in turn the service stores on the next {@code hsdir_spread_store}
 * relays clockwise, skipping relays an earlier replica already chose; clients fetch from one of the first
 * {@code hsdir_spread_fetch} chosen the same way.
 *
 * @param <T> the caller's relay type; the ring needs only its Ed25519 identity
 */
public final class HsDirRing<T> {
    /** The consensus parameters of §2.2.3 with tor's defaults. */
    public record Parameters(int replicas, int spreadStore, int spreadFetch) {
        public static final Parameters DEFAULT = new Parameters(2, 4, 3);

        public Parameters {
            if (replicas < 1 || replicas > 16 || spreadStore < 1 || spreadStore > 128 || spreadFetch < 1
                    || spreadFetch > 128) {
                throw new IllegalArgumentException("hsdir_n_replicas 1..16, hsdir_spread_* 1..128");
            }
        }
    }

    private record Position<T>(byte[] index, T relay) {
    }

    private final List<Position<T>> ring;
    private final TimePeriod period;
    private final Parameters parameters;

    private HsDirRing(List<Position<T>> ring, TimePeriod period, Parameters parameters) {
        this.ring = ring;
        this.period = period;
        this.parameters = parameters;
    }

    /**
     * @param hsdirs relays with the HSDir flag; two with the same identity are refused
     * @param identity a relay's 32-byte Ed25519 identity key
     * @param sharedRandomValue the 32-byte SRV for the period ({@link SharedRandomSource#forPeriod})
     */
    public static <T> HsDirRing<T> build(Collection<T> hsdirs, Function<T, byte[]> identity, TimePeriod period,
            byte[] sharedRandomValue, Parameters parameters) {
        Objects.requireNonNull(period, "period");
        if (sharedRandomValue == null || sharedRandomValue.length != SharedRandomSource.LENGTH) {
            throw new IllegalArgumentException("shared random value must be 32 bytes");
        }
        List<Position<T>> positions = new ArrayList<>(hsdirs.size());
        for (T relay : hsdirs) {
            positions.add(new Position<>(relayIndex(identity.apply(relay), sharedRandomValue, period), relay));
        }
        positions.sort(Comparator.comparing(Position::index, Arrays::compareUnsigned));
        for (int i = 1; i < positions.size(); i++) {
            if (Arrays.equals(positions.get(i - 1).index(), positions.get(i).index())) {
                throw new IllegalArgumentException("two HSDirs with the same Ed25519 identity");
            }
        }
        return new HsDirRing<>(List.copyOf(positions), period, parameters);
    }

    public static <T> HsDirRing<T> build(Collection<T> hsdirs, Function<T, byte[]> identity, TimePeriod period,
            byte[] sharedRandomValue) {
        return build(hsdirs, identity, period, sharedRandomValue, Parameters.DEFAULT);
    }

    /**
     * The ring of the relays in a directory's relay list that carry the HSDir flag, with tor's default
     * parameters; the SRV comes from {@code srv.forPeriod(period)}.
     */
    public static HsDirRing<RelayDescriptor> ofRelays(Collection<RelayDescriptor> relays, TimePeriod period,
            SharedRandomSource srv) {
        List<RelayDescriptor> hsdirs = relays.stream().filter(r -> r.flags().contains(RelayFlag.HSDIR)).toList();
        return build(hsdirs, RelayDescriptor::identity, period, srv.forPeriod(period), Parameters.DEFAULT);
    }

    /** {@code hs_relay_index(node)} of §2.2.3. */
    public static byte[] relayIndex(byte[] ed25519Identity, byte[] sharedRandomValue, TimePeriod period) {
        HsKeys.requireKey(ed25519Identity, "HSDir Ed25519 identity");
        MessageDigest sha3 = HsKeys.sha3();
        sha3.update("node-idx".getBytes(StandardCharsets.US_ASCII));
        sha3.update(ed25519Identity);
        sha3.update(sharedRandomValue);
        sha3.update(HsKeys.int8(period.number()));
        sha3.update(HsKeys.int8(period.lengthMinutes()));
        return sha3.digest();
    }

    /** {@code hs_service_index(replica)} of §2.2.3; replicas count from 1. */
    public static byte[] serviceIndex(byte[] blindedKey, int replica, TimePeriod period) {
        HsKeys.requireKey(blindedKey, "blinded key");
        MessageDigest sha3 = HsKeys.sha3();
        sha3.update("store-at-idx".getBytes(StandardCharsets.US_ASCII));
        sha3.update(blindedKey);
        sha3.update(HsKeys.int8(replica));
        sha3.update(HsKeys.int8(period.lengthMinutes()));
        sha3.update(HsKeys.int8(period.number()));
        return sha3.digest();
    }

    /** The HSDirs a service uploads its descriptor for {@code blindedKey} to, replica by replica. */
    public List<T> storeSet(byte[] blindedKey) {
        return select(blindedKey, parameters.spreadStore());
    }

    /** The HSDirs a client may fetch from; it picks one at random and tries another on failure. */
    public List<T> fetchSet(byte[] blindedKey) {
        return select(blindedKey, parameters.spreadFetch());
    }

    private List<T> select(byte[] blindedKey, int spread) {
        List<T> chosen = new ArrayList<>();
        if (ring.isEmpty()) {
            return chosen;
        }
        for (int replica = 1; replica <= parameters.replicas(); replica++) {
            int start = firstAfter(serviceIndex(blindedKey, replica, period));
            int added = 0;
            for (int step = 0; step < ring.size() && added < spread; step++) {
                T relay = ring.get((start + step) % ring.size()).relay();
                if (!chosen.contains(relay)) {
                    chosen.add(relay);
                    added++;
                }
            }
        }
        return chosen;
    }

    /** The position of the first relay whose index is greater than {@code index}, wrapping to 0. */
    private int firstAfter(byte[] index) {
        int low = 0;
        int high = ring.size();
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (Arrays.compareUnsigned(ring.get(mid).index(), index) <= 0) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low == ring.size() ? 0 : low;
    }

    public TimePeriod period() {
        return period;
    }

    public int size() {
        return ring.size();
    }
}
