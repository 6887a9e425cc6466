package org.veilswarm.transport.tor.impl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veilswarm.api.node.OnionAddress;
import org.veilswarm.api.transport.Listener;
import org.veilswarm.api.transport.RelayCounters.RelayCount;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.api.transport.TransportException;
import org.veilswarm.crypto.Ed25519;
import org.veilswarm.transport.tor.monitor.TorState;
import org.veilswarm.transport.tor.testing.PrivateTorNetwork;
import org.veilswarm.transport.tor.testing.RealTor;

/**
 * Two nodes on the tor transport in a private tor network on 127.0.0.1 (3 authorities, 7 relays,
 * REFERENCE.md §4): each node launches and owns its client tor; node A publishes an onion service under
 * its own Ed25519 key, node B downloads a file from it through SOCKS5; SHA-256 must match. Prints the
 * throughput for docs/performance.md ("Tor transport"). Runs with {@code -Ptor-network} (see pom.xml).
 */
class TorTransportPrivateNetworkIT {
    /** 8 MiB; the onion-services bench script (docs/performance.md) sets its own size with -Dtor.network.fileMiB. */
    private static final int FILE_BYTES = Integer.getInteger("tor.network.fileMiB", 8) * 1024 * 1024;
    /**
     * Downloads and uploads of the file, each on a new stream of the same two nodes, each round after the first over
     * new circuits (default 1). C tor's rate varies from transfer to transfer more than the native transport's does
     * (docs/performance.md, "Onion services"), so the bench script asks for several and compares the medians and the
     * best of both sides.
     */
    private static final int ROUNDS = Math.max(1, Integer.getInteger("tor.network.rounds", 1));
    /** 180 s per transfer of 8 MiB (at least 45 KiB/s), scaled with the size for larger bench transfers. */
    private static final long TRANSFER_SECONDS = 180L * Math.max(1, FILE_BYTES / (8 * 1024 * 1024));
    private static final int SERVICE_PORT = 80;

    @TempDir
    Path dir;

    @Test
    void nodeBDownloadsAFileFromNodeAsOnionServiceWithMatchingSha256() throws Exception {
        long t0 = System.nanoTime();
        try (PrivateTorNetwork network = PrivateTorNetwork.start(dir.resolve("net"), 3, 7, Duration.ofSeconds(150))) {
            long networkReady = System.nanoTime();
            TorTransportEngine a = new TorTransportEngine(nodeSettings(network, "a"));
            TorTransportEngine b = new TorTransportEngine(nodeSettings(network, "b"));
            ProcessHandle torA;
            ProcessHandle torB;
            try {
                a.start();
                b.start();
                CompletableFuture.allOf(a.ready(), b.ready()).get(150, TimeUnit.SECONDS);
                long nodesReady = System.nanoTime();
                torA = a.torProcess().orElseThrow();
                torB = b.torProcess().orElseThrow();
                assertEquals(TorState.Phase.READY, a.monitor().state().phase());
                assertEquals(100, b.monitor().bootstrap().progress());

                SeedServiceKey key = SeedServiceKey.random();
                byte[] file = new byte[FILE_BYTES];
                new Random(9).nextBytes(file);
                java.util.concurrent.BlockingQueue<DigestingReceiver> uploads = new java.util.concurrent.LinkedBlockingQueue<>();
                Listener listener = a.listen(key, SERVICE_PORT, initializer(() -> new ServiceExchange(file, uploads)))
                        .get(60, TimeUnit.SECONDS);
                OnionAddress native_ = OnionAddress.fromPublicKey(Ed25519.publicKeyFromSeed(key.seed()));
                assertEquals(TransportAddress.of(native_, SERVICE_PORT), listener.address(),
                        "tor must publish the node's own address, the one the native transport derives from the key");

                // Never published: tor's extended SOCKS error 0xF0 (descriptor not found) as NOT_FOUND.
                TransportAddress nowhere = TransportAddress.of(SeedServiceKey.random().address(), SERVICE_PORT);
                ExecutionException missing = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                        () -> b.connect(nowhere, initializer(DigestingReceiver::new)).get(120, TimeUnit.SECONDS));
                TransportException notFound = assertInstanceOf(TransportException.class, missing.getCause());
                assertEquals(TransportException.Reason.NOT_FOUND, notFound.reason(), notFound.getMessage());
                System.out.println("unpublished address: " + notFound.getMessage());

                long connectStart = System.nanoTime();
                DigestingReceiver[] attempt = new DigestingReceiver[1];
                Channel stream = connectUntilPublished(b, listener.address(), () -> attempt[0] = new DigestingReceiver(),
                        Duration.ofSeconds(90));
                TorCpu firstDownloadCpu = TorCpu.now();
                stream.writeAndFlush(io.netty.buffer.Unpooled.wrappedBuffer(new byte[] {ServiceExchange.DOWNLOAD}));
                DigestingReceiver receiver = attempt[0];
                long connected = System.nanoTime();
                byte[] digest = receiver.digest.get(TRANSFER_SECONDS, TimeUnit.SECONDS);
                TorCpu firstDownloadCpuEnd = TorCpu.now();
                assertEquals(FILE_BYTES, receiver.bytes);
                assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(file), digest);
                assertFalse(stream.isActive());

                double seconds = (receiver.lastByteNanos - connected) / 1e9;
                Map<Long, String> torNames = Map.of(torA.pid(), "node A tor (service)", torB.pid(), "node B tor (client)");
                String[] downloadCpu = new String[ROUNDS];
                String[] uploadCpu = new String[ROUNDS];
                downloadCpu[0] = firstDownloadCpuEnd.since(firstDownloadCpu, FILE_BYTES / 1048576.0, seconds, torNames);

                // The other direction: B uploads the same bytes to A's service over a new stream.
                long uploadConnect = System.nanoTime();
                Upload first = upload(b, listener.address(), file, uploads, torNames);
                uploadCpu[0] = first.cpu();
                double uploadSeconds = first.seconds();
                long uploadStart = first.startNanos();
                double[] downloadRates = new double[ROUNDS];
                double[] uploadRates = new double[ROUNDS];
                downloadRates[0] = FILE_BYTES / 1048576.0 / seconds;
                uploadRates[0] = FILE_BYTES / 1048576.0 / uploadSeconds;
                for (int round = 1; round < ROUNDS; round++) {
                    // A new circuit for every round: on one reused rendezvous circuit C tor's rate fell from transfer
                    // to transfer (3.8 -> 2.9 -> 2.6 and 6.0 -> 4.8 -> 3.6 MiB/s down in two runs), on new ones it
                    // held (docs/performance.md, "Onion services", session 22); the anchor gets its better case.
                    b.controlClient().command("SIGNAL NEWNYM");
                    Download down = download(b, listener.address(), file, torNames);
                    downloadRates[round] = FILE_BYTES / 1048576.0 / down.seconds();
                    downloadCpu[round] = down.cpu();
                    Upload up = upload(b, listener.address(), file, uploads, torNames);
                    uploadRates[round] = FILE_BYTES / 1048576.0 / up.seconds();
                    uploadCpu[round] = up.cpu();
                }
                if (ROUNDS > 1) {
                    for (int round = 0; round < ROUNDS; round++) {
                        System.out.printf(Locale.ROOT, "TOR-TRANSPORT round %d, %d MiB: download %.2f MiB/s, upload %.2f MiB/s%n",
                                round + 1, FILE_BYTES >> 20, downloadRates[round], uploadRates[round]);
                    }
                    System.out.printf(Locale.ROOT, "TOR-TRANSPORT rounds %d: download median %.2f best %.2f MiB/s, upload median %.2f"
                            + " best %.2f MiB/s%n", ROUNDS, median(downloadRates), max(downloadRates), median(uploadRates),
                            max(uploadRates));
                }
                for (int round = 0; round < ROUNDS; round++) {
                    System.out.printf(Locale.ROOT, "TOR-TRANSPORT cpu round %d download: %s%n", round + 1, downloadCpu[round]);
                    System.out.printf(Locale.ROOT, "TOR-TRANSPORT cpu round %d upload: %s%n", round + 1, uploadCpu[round]);
                }
                // What the network costs with nothing moving (the authorities vote every 10 s, circuits are kept up):
                // the share of the transfers' CPU above that is not the transfers'.
                TorCpu idleStart = TorCpu.now();
                long idleFrom = System.nanoTime();
                Thread.sleep(3_000);
                System.out.printf(Locale.ROOT, "TOR-TRANSPORT cpu idle, 3 s after the transfers: %s%n",
                        TorCpu.now().idleSince(idleStart, (System.nanoTime() - idleFrom) / 1e9));
                // CIRC_BW and BW arrive once a second: the last second of the transfer is reported a moment later.
                long settle = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
                while (b.relayCounters().current().bytesOwn() < 2L * FILE_BYTES * ROUNDS && System.nanoTime() - settle < 0) {
                    Thread.sleep(200);
                }
                Thread.sleep(2_500);
                RelayCount own = b.relayCounters().current();
                long[] raw = b.counters().rawSums();
                java.util.Map<String, String> traffic = b.controlClient().getInfo(List.of("traffic/read", "traffic/written"));
                System.out.printf(Locale.ROOT, "TOR-TRANSPORT network %.1f s, node tors bootstrapped %.1f s, first connect %.2f s"
                        + " after ADD_ONION, download %d MiB in %.2f s = %.2f MiB/s, upload %.2f s = %.2f MiB/s (stream connect %.2f s before)%n",
                        (networkReady - t0) / 1e9, (nodesReady - networkReady) / 1e9, (connected - connectStart) / 1e9,
                        FILE_BYTES >> 20, seconds, FILE_BYTES / 1048576.0 / seconds, uploadSeconds,
                        FILE_BYTES / 1048576.0 / uploadSeconds, (uploadStart - uploadConnect) / 1e9);
                System.out.printf(Locale.ROOT, "TOR-TRANSPORT node B (client; download + upload) file %d B; BW read %d written %d; CIRC_BW read %d"
                        + " written %d; local delivered %d; not-own written %d; GETINFO traffic/read %s written %s;"
                        + " CountPrivateBandwidth %s; counters %s%n", FILE_BYTES, raw[0], raw[1], raw[2], raw[3], raw[4],
                        raw[1] - raw[3] - raw[4], traffic.get("traffic/read"), traffic.get("traffic/written"),
                        b.controlClient().getConf("CountPrivateBandwidth"), own);
                long[] rawA = a.counters().rawSums();
                System.out.printf(Locale.ROOT, "TOR-TRANSPORT node A (service; download + upload) BW read %d written %d; CIRC_BW read %d written %d;"
                        + " local delivered %d; not-own written %d%n", rawA[0], rawA[1], rawA[2], rawA[3], rawA[4],
                        rawA[1] - rawA[3] - rawA[4]);
                assertTrue(own.bytesOwn() >= 2L * FILE_BYTES * ROUNDS, "CIRC_BW counted the downloads and the uploads as own traffic: " + own);
                assertEquals(0, own.bytesRelayed(), "a client-only tor relays nothing");
                assertFalse(b.monitor().bandwidth().isEmpty());
                assertFalse(b.monitor().log().isEmpty());

                listener.close();
                assertFalse(listener.isOpen());
            } finally {
                a.close();
                b.close();
            }
            assertTrue(torA.onExit().get(30, TimeUnit.SECONDS) != null && !torA.isAlive(), "node A's tor stopped");
            assertFalse(torB.isAlive(), "node B's tor stopped");
        }
    }

    private record Upload(long startNanos, double seconds, String cpu) {
    }

    private record Download(double seconds, String cpu) {
    }

    /** B uploads the file to A's service over a new stream, timed from the open stream as the download is. */
    private static Upload upload(TorTransportEngine b, TransportAddress to, byte[] file,
            java.util.concurrent.BlockingQueue<DigestingReceiver> uploads, Map<Long, String> torNames) throws Exception {
        b.connect(to, initializer(() -> new FileSender(file, ServiceExchange.UPLOAD))).get(90, TimeUnit.SECONDS);
        // Timed from the open stream, as the download and the native bench's one-way transfers are.
        long start = System.nanoTime();
        TorCpu cpu = TorCpu.now();
        DigestingReceiver upload = uploads.poll(60, TimeUnit.SECONDS);
        org.junit.jupiter.api.Assertions.assertNotNull(upload, "the service saw no upload stream");
        assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(file), upload.digest.get(TRANSFER_SECONDS, TimeUnit.SECONDS));
        assertEquals(FILE_BYTES, upload.bytes);
        double seconds = (upload.lastByteNanos - start) / 1e9;
        return new Upload(start, seconds, TorCpu.now().since(cpu, FILE_BYTES / 1048576.0, seconds, torNames));
    }

    /** B downloads the file from A's service over a new stream; seconds from the request to the last byte. */
    private static Download download(TorTransportEngine b, TransportAddress to, byte[] file, Map<Long, String> torNames)
            throws Exception {
        DigestingReceiver receiver = new DigestingReceiver();
        Channel stream = b.connect(to, initializer(() -> receiver)).get(90, TimeUnit.SECONDS);
        TorCpu cpu = TorCpu.now();
        stream.writeAndFlush(io.netty.buffer.Unpooled.wrappedBuffer(new byte[] {ServiceExchange.DOWNLOAD}));
        long start = System.nanoTime();
        byte[] expected = MessageDigest.getInstance("SHA-256").digest(file);
        assertArrayEquals(expected, receiver.digest.get(TRANSFER_SECONDS, TimeUnit.SECONDS));
        assertEquals(FILE_BYTES, receiver.bytes);
        double seconds = (receiver.lastByteNanos - start) / 1e9;
        return new Download(seconds, TorCpu.now().since(cpu, FILE_BYTES / 1048576.0, seconds, torNames));
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static double max(double[] values) {
        return java.util.Arrays.stream(values).max().orElseThrow();
    }

    private TorTransportSettings nodeSettings(PrivateTorNetwork network, String name) {
        return TorTransportSettings.owned(dir.resolve(name).resolve("tor"))
                .withExecutable(RealTor.executable())
                .withExtraTorrcLines(network.clientTorrcLines())
                .withTimeouts(Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(150), Duration.ofSeconds(60));
    }

    /** Right after ADD_ONION the descriptor is not on the HSDirs yet (SOCKS 0xF0/0x04): retry until it is. */
    private static Channel connectUntilPublished(TorTransportEngine engine, TransportAddress to,
            java.util.function.Supplier<DigestingReceiver> receiver, Duration patience) throws Exception {
        long deadline = System.nanoTime() + patience.toNanos();
        while (true) {
            try {
                return engine.connect(to, initializer(receiver)).get(90, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TransportException t) || t.reason() != TransportException.Reason.NOT_FOUND
                        || System.nanoTime() - deadline >= 0) {
                    throw e;
                }
                Thread.sleep(500);
            }
        }
    }

    private static ChannelInitializer<Channel> initializer(java.util.function.Supplier<? extends io.netty.channel.ChannelHandler> handler) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(handler.get());
            }
        };
    }

}
