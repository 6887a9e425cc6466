package org.veilswarm.swarm.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
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
            String leecherId = "peer-id:" + java.util.HexFormat.of().formatHex(leecher.config().peerId());
            leecher.close();
            seeder.close(); // closing reports what the last second moved
            long received = leeching.stats().downloaded();
            long sent = seeding.stats().uploaded();
            assertTrue(received >= t.metainfo().info().totalLength());
            assertEquals(received, leecherLedger.total(TransferKind.DOWNLOADED));
            assertEquals(sent, seederLedger.total(TransferKind.UPLOADED));
            assertEquals(0, seederLedger.total(TransferKind.DOWNLOADED));
            assertEquals(sent, seederLedger.perPeer.get(new PeerRef(leecherId)).sum(), "the seeder knows the leecher by its peer id");
        } finally {
            leecher.close();
            seeder.close();
            transport.close();
        }
    }
}
