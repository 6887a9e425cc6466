package org.veilswarm.swarm.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veilswarm.api.accounting.AccountingScheme;
import org.veilswarm.api.accounting.PeerRef;
import org.veilswarm.api.accounting.Ratio;
import org.veilswarm.api.accounting.Standing;
import org.veilswarm.api.accounting.Transfer;
import org.veilswarm.api.accounting.TransferKind;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.metainfo.CreatedTorrent;
import org.veilswarm.metainfo.TorrentMode;
import org.veilswarm.transport.direct.impl.DirectTransportEngine;

/** A bound {@link AccountingScheme} hears every payload byte each engine moved, per peer. */
class AccountingHookTest {

    @TempDir
    Path dir;

    /** The simplest real scheme: a ledger of bytes per kind and per peer, everyone at the base rate. */
    static final class Ledger implements AccountingScheme {
        final Map<TransferKind, LongAdder> totals = new ConcurrentHashMap<>();
        final Map<PeerRef, LongAdder> perPeer = new ConcurrentHashMap<>();

        @Override
        public String name() {
            return "ledger";
        }

        @Override
        public void record(Transfer transfer) {
            totals.computeIfAbsent(transfer.kind(), k -> new LongAdder()).add(transfer.bytes());
            transfer.peer().ifPresent(p -> perPeer.computeIfAbsent(p, k -> new LongAdder()).add(transfer.bytes()));
        }

        long total(TransferKind kind) {
            LongAdder a = totals.get(kind);
            return a == null ? 0 : a.sum();
        }

        @Override
        public Standing standing(PeerRef peer) {
            return Standing.BASE;
        }

        @Override
        public Ratio ratio() {
            return new Ratio(total(TransferKind.UPLOADED), 0, total(TransferKind.DOWNLOADED));
        }

        @Override
        public Optional<byte[]> proveContribution() {
            return Optional.empty();
        }

        @Override
        public Standing acceptContribution(PeerRef peer, byte[] proof) {
            return Standing.BASE;
        }
    }

    @Test
    void everyPayloadByteIsRecordedOnBothSides() throws Exception {
        Path content = Loopback.content(dir.resolve("seed"), "acc.bin", 51, 1_000_000);
        CreatedTorrent t = Loopback.torrent(content, TorrentMode.V2_ONLY, 65_536);
        DirectTransportEngine transport = Loopback.transport();
        Ledger seederLedger = new Ledger();
        Ledger leecherLedger = new Ledger();
        SwarmEngine seeder = Loopback.engine(transport);
        SwarmEngine leecher = Loopback.engine(transport);
        try {
            seeder.accounting(seederLedger);
            leecher.accounting(leecherLedger);
            TorrentSession seeding = seeder.add(t.metainfo(), dir.resolve("seed"), dir.resolve("s1"), TorrentOptions.defaults());
            TransportAddress address = Loopback.listen(seeder, transport);
            TorrentSession leeching = leecher.add(t.metainfo(), dir.resolve("dl"), dir.resolve("s2"), TorrentOptions.defaults());
            leeching.connect(address).toCompletableFuture().get(10, TimeUnit.SECONDS);
            leeching.completion().get(30, TimeUnit.SECONDS);
            leecher.close();
            seeder.close(); // closing reports what the last second moved
            long received = leeching.stats().downloaded();
            long sent = seeding.stats().uploaded();
            assertTrue(received >= t.metainfo().info().totalLength());
            assertEquals(received, leecherLedger.total(TransferKind.DOWNLOADED));
            assertEquals(sent, seederLedger.total(TransferKind.UPLOADED));
            assertEquals(0, seederLedger.total(TransferKind.DOWNLOADED));
            assertEquals(1, seederLedger.perPeer.size(), "one inbound connection, one reference");
            PeerRef leecherRef = seederLedger.perPeer.keySet().iterator().next();
            assertTrue(leecherRef.id().startsWith("connection:"), leecherRef + " is the inbound connection's own value");
            assertEquals(sent, seederLedger.perPeer.get(leecherRef).sum());
            assertEquals(java.util.Set.of(new PeerRef("dialed:direct:" + address.host() + ":" + address.port())),
                    leecherLedger.perPeer.keySet(), "the leecher knows the seeder by the address it dialed");
        } finally {
            leecher.close();
            seeder.close();
            transport.close();
        }
    }

    /**
     * A peer id is chosen by the remote and public (tracker answers carry it): a second peer sending the
     * first one's peer id must not be credited with, or inherit, the first one's standing.
     */
    @Test
    void aPeerSendingAnotherPeersIdIsNotTakenForIt() throws Exception {
        Path content = Loopback.content(dir.resolve("seed"), "id.bin", 52, 300_000);
        CreatedTorrent t = Loopback.torrent(content, TorrentMode.V2_ONLY, 65_536);
        DirectTransportEngine transport = Loopback.transport();
        Ledger seederLedger = new Ledger();
        SwarmEngine seeder = Loopback.engine(transport);
        SwarmEngine honest = Loopback.engine(transport);
        EngineConfig d = EngineConfig.defaults();
        SwarmEngine impostor = new SwarmEngine(new EngineConfig(honest.config().peerId(), d.limits(), d.clientName(),
                d.uploadLimit(), d.downloadLimit(), d.handshakeTimeout(), d.idleTimeout()));
        impostor.addTransport(transport);
        try {
            seeder.accounting(seederLedger);
            TorrentSession seeding = seeder.add(t.metainfo(), dir.resolve("seed"), dir.resolve("s0"), TorrentOptions.defaults());
            TransportAddress address = Loopback.listen(seeder, transport);
            for (SwarmEngine leecher : List.of(honest, impostor)) {
                String name = leecher == honest ? "honest" : "impostor";
                TorrentSession s = leecher.add(t.metainfo(), dir.resolve(name), dir.resolve(name + "-state"),
                        TorrentOptions.defaults());
                s.connect(address).toCompletableFuture().get(10, TimeUnit.SECONDS);
                s.completion().get(30, TimeUnit.SECONDS);
                leecher.close();
                // Let the seeder see the connection go, or it would drop the next one as a duplicate.
                for (int i = 0; i < 200 && !seeding.stats().peers().isEmpty(); i++) {
                    Thread.sleep(50);
                }
            }
            seeder.close();
            assertEquals(2, seederLedger.perPeer.size(),
                    "two peers with one peer id are two references: " + seederLedger.perPeer.keySet());
            for (LongAdder uploaded : seederLedger.perPeer.values()) {
                assertTrue(uploaded.sum() >= t.metainfo().info().totalLength(), "each was credited its own download");
            }
        } finally {
            honest.close();
            impostor.close();
            seeder.close();
            transport.close();
        }
    }
}
