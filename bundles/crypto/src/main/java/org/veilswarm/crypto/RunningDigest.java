package org.veilswarm.crypto;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * A digest that keeps absorbing data and whose current value can be read at any time without
 * finishing it: tor's relay-cell running digests (tor-spec §6.1, "Digest" field; SHA-1 for normal
 * circuits, SHA3-256 for onion-service circuits). {@link #copy()} snapshots the state, e.g. to
 * roll back after a cell turns out not to be addressed to this hop.
 *
 * <p>SHA-1 and SHA-256 run on the JDK (its SHA-NI intrinsics on CPUs that have them); SHA3-256 runs
 * on {@link Sha3_256}, whose state is cheap to snapshot (session 5 moved it from JDK 17's SHA3 to Bouncy
 * Castle's, session 6 to this one: docs/performance.md "Onion services"). Onion-service circuits pay it
 * twice per cell, once at each end (rend-spec-v3 §3.3.1), so it was the largest single item in the
 * stream profile.
 *
 * <p>Not thread-safe: one instance belongs to one circuit hop direction.
 */
public final class RunningDigest {
    private State state;

    private RunningDigest(State state) {
        this.state = state;
    }

    public static RunningDigest sha1() {
        return new RunningDigest(new JdkState(Digests.newMessageDigest("SHA-1")));
    }

    public static RunningDigest sha256() {
        return new RunningDigest(new JdkState(Digests.newMessageDigest("SHA-256")));
    }

    public static RunningDigest sha3_256() {
        return new RunningDigest(new Sha3State(new Sha3_256()));
    }

    public RunningDigest update(byte[] data) {
        Objects.requireNonNull(data, "data");
        state.update(data, 0, data.length);
        return this;
    }

    public RunningDigest update(byte[] data, int offset, int length) {
        Objects.requireNonNull(data, "data");
        Objects.checkFromIndexSize(offset, length, data.length);
        state.update(data, offset, length);
        return this;
    }

    /** Absorbs the buffer's remaining bytes; the position moves to the limit. */
    public RunningDigest update(ByteBuffer data) {
        state.update(Objects.requireNonNull(data, "data"));
        return this;
    }

    /** The digest of everything absorbed so far; this digest keeps running. */
    public byte[] currentValue() {
        return state.peek();
    }

    /** An independent digest in the same state. */
    public RunningDigest copy() {
        return new RunningDigest(state.copy());
    }

    /**
     * Puts {@code target} in this digest's state, as {@link #copy()} would make it, and returns it: for a caller
     * that snapshots once per cell (a hop checking whether a cell is its own), so that the snapshot reuses
     * {@code target}'s buffers where the algorithm allows (SHA3-256) instead of allocating new ones.
     *
     * @throws IllegalArgumentException if {@code target} runs another algorithm, or is this digest
     * @since 1.1
     */
    public RunningDigest copyInto(RunningDigest target) {
        Objects.requireNonNull(target, "target");
        if (target == this || !target.algorithm().equals(algorithm())) {
            throw new IllegalArgumentException("cannot copy a " + algorithm() + " digest into "
                    + (target == this ? "itself" : "a " + target.algorithm() + " digest"));
        }
        if (state instanceof Sha3State mine && target.state instanceof Sha3State theirs) {
            theirs.digest.copyFrom(mine.digest);
        } else {
            target.state = state.copy();
        }
        return target;
    }

    /** Digest length in bytes (20 for SHA-1, 32 for the others). */
    public int length() {
        return state.length();
    }

    public String algorithm() {
        return state.algorithm();
    }

    @Override
    public String toString() {
        return "RunningDigest[" + algorithm() + "]";
    }

    /** One implementation's digest state. */
    private interface State {
        void update(byte[] data, int offset, int length);

        void update(ByteBuffer data);

        State copy();

        /** The final value; this state is used up. */
        byte[] finish();

        /** The current value; this state keeps running. */
        default byte[] peek() {
            return copy().finish();
        }

        int length();

        String algorithm();
    }

    private static final class JdkState implements State {
        private final MessageDigest digest;

        JdkState(MessageDigest digest) {
            this.digest = digest;
        }

        @Override
        public void update(byte[] data, int offset, int length) {
            digest.update(data, offset, length);
        }

        @Override
        public void update(ByteBuffer data) {
            digest.update(data);
        }

        @Override
        public State copy() {
            try {
                return new JdkState((MessageDigest) digest.clone());
            } catch (CloneNotSupportedException e) {
                // The JDK's SHA-1/SHA-2 implementations are all cloneable.
                throw new IllegalStateException(digest.getAlgorithm() + " digest cannot be cloned", e);
            }
        }

        @Override
        public byte[] finish() {
            return digest.digest();
        }

        @Override
        public int length() {
            return digest.getDigestLength();
        }

        @Override
        public String algorithm() {
            return digest.getAlgorithm();
        }
    }

    private static final class Sha3State implements State {
        private final Sha3_256 digest;

        Sha3State(Sha3_256 digest) {
            this.digest = digest;
        }

        @Override
        public void update(byte[] data, int offset, int length) {
            digest.update(data, offset, length);
        }

        @Override
        public void update(ByteBuffer data) {
            if (data.hasArray()) {
                digest.update(data.array(), data.arrayOffset() + data.position(), data.remaining());
                data.position(data.limit());
                return;
            }
            byte[] chunk = new byte[Math.min(data.remaining(), 4096)];
            while (data.hasRemaining()) {
                int n = Math.min(chunk.length, data.remaining());
                data.get(chunk, 0, n);
                digest.update(chunk, 0, n);
            }
        }

        @Override
        public State copy() {
            return new Sha3State(digest.copy());
        }

        @Override
        public byte[] peek() {
            return digest.currentValue();
        }

        @Override
        public byte[] finish() {
            return digest.currentValue();
        }

        @Override
        public int length() {
            return Sha3_256.LENGTH;
        }

        @Override
        public String algorithm() {
            return "SHA3-256";
        }
    }
}
