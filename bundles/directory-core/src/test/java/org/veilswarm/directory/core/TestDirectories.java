package org.veilswarm.directory.core;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

import org.veilswarm.api.directory.DirectoryException;
import org.veilswarm.api.directory.RelayRole;

/** In-process directories for sampler tests: honest, lying and unreachable ones. */
final class TestDirectories {
    private TestDirectories() {
    }

    /** Serves a {@link MerkleDirectory} faithfully and records the numbers it was asked. */
    static class Honest implements DirectoryQueries {
        final String name;
        volatile MerkleDirectory directory;
        final List<Long> asked = new CopyOnWriteArrayList<>();
        final java.util.concurrent.atomic.AtomicInteger headersServed = new java.util.concurrent.atomic.AtomicInteger();
        /** Finds refused, as a directory refuses those for a consensus other than the one it holds. */
        final java.util.concurrent.atomic.AtomicInteger findsRefused = new java.util.concurrent.atomic.AtomicInteger();

        Honest(String name, MerkleDirectory directory) {
            this.name = name;
            this.directory = directory;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public CompletionStage<byte[]> header() {
            headersServed.incrementAndGet();
            return CompletableFuture.completedFuture(directory.encodedHeader());
        }

        @Override
        public CompletionStage<byte[]> find(byte[] consensusId, RelayRole role, long x) {
            asked.add(x);
            try {
                return CompletableFuture.completedFuture(answer(directory.find(consensusId, role, x), role, x));
            } catch (DirectoryException e) {
                findsRefused.incrementAndGet();
                return CompletableFuture.failedFuture(e);
            }
        }

        MerkleAnswer tamper(MerkleAnswer honest, RelayRole role, long x) throws DirectoryException {
            return honest;
        }

        private byte[] answer(MerkleAnswer honest, RelayRole role, long x) throws DirectoryException {
            return tamper(honest, role, x).encode();
        }
    }

    /** Answers every find with the relay after the one x selects (a directory steering clients). */
    static final class Liar extends Honest {
        Liar(String name, MerkleDirectory directory) {
            super(name, directory);
        }

        @Override
        MerkleAnswer tamper(MerkleAnswer honest, RelayRole role, long x) throws DirectoryException {
            RelayMerkleTree tree = directory.tree(role);
            int next = (int) ((honest.leafIndex() + 1) % tree.size());
            return directory.find(honest.consensusId(), role, tree.ranges().start(next));
        }
    }

    /** Never reachable. */
    static final class Down implements DirectoryQueries {
        final String name;
        volatile int calls;

        Down(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public CompletionStage<byte[]> header() {
            calls++;
            return CompletableFuture.failedFuture(new java.io.IOException("connection refused"));
        }

        @Override
        public CompletionStage<byte[]> find(byte[] consensusId, RelayRole role, long x) {
            calls++;
            return CompletableFuture.failedFuture(new java.io.IOException("connection refused"));
        }
    }

    /** A clock tests move by hand. */
    static final class ManualClock extends Clock {
        volatile Instant now;

        ManualClock(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
