package org.veilswarm.swarm.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.metainfo.CreatedTorrent;
import org.veilswarm.metainfo.TorrentMode;
import org.veilswarm.transport.direct.impl.DirectTransportEngine;

/**
 * A peer that dials us again while we still hold a connection from it in the same direction. Over onion services
 * the old connection can die without its close reaching us (a rendezvous circuit gone without a DESTROY cell, the
 * peer's transport bundle replaced): our end stays open and carries nothing. The engine used to keep the old one
 * and close every new one as a duplicate, which shut the peer out until the idle timeout; now a new connection
 * replaces an old one that has carried nothing for a ninth of the idle timeout, and a live old one stays.
 *
 * Both ends judge by what they heard: the engine dials an address again only when the connection it holds to it
 * has been silent that long, and sends keep-alives often enough that a live connection never is.
 *
 * <p>The peer is a raw socket on 127.0.0.1 speaking the BEP 3 handshake with a fixed peer id. Idle timeout 27 s,
 * so the old connection counts as silent after 3 s and is not dropped by the idle timeout during the test.
 */
class StaleDuplicateConnectionTest {
    private static final Duration IDLE = Duration.ofSeconds(27);
    /** Longer than IDLE / 9, the silence after which an old connection gives way. */
    private static final long SILENT_MILLIS = 4_000;
    private static final byte[] PEER_ID = "-XX0000-redialpeer01".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    private final DirectTransportEngine transport = Loopback.transport();
    private SwarmEngine engine;

    @AfterEach
    void close() {
        if (engine != null) {
            engine.close();
        }
        transport.close();
    }

    @Test
    void aPeerDiallingAgainReplacesItsSilentOldConnection() throws Exception {
        Seeder seeder = seeder();
        try (Socket old = new Socket("127.0.0.1", seeder.address.port())) {
            DataInputStream oldIn = handshake(old, seeder.torrent);
            assertEquals(5, firstMessageId(oldIn), "the engine attached the first connection and sent its bitfield");
            long attached = System.nanoTime();
            // The first connection now carries nothing from the peer, as a connection whose circuit died would.
            sleepUntil(attached + TimeUnit.MILLISECONDS.toNanos(SILENT_MILLIS));

            try (Socket again = new Socket("127.0.0.1", seeder.address.port())) {
                DataInputStream againIn = handshake(again, seeder.torrent);
                int id;
                try {
                    id = firstMessageId(againIn);
                } catch (EOFException e) {
                    fail("the peer's new connection was closed as a duplicate although its old one had carried"
                            + " nothing for " + SILENT_MILLIS + " ms: the peer stays shut out until the idle timeout");
                    return;
                }
                assertEquals(5, id, "the new connection is attached: bitfield first");
                old.setSoTimeout(15_000);
                assertEquals(-1, drain(oldIn), "the silent old connection is closed by the engine");
                await("one connection of the peer left", () -> seeder.session.stats().peers().size() == 1);
            }
        }
    }

    @Test
    void aLiveOldConnectionStaysAndTheNewOneIsClosedAsADuplicate() throws Exception {
        Seeder seeder = seeder();
        try (Socket old = new Socket("127.0.0.1", seeder.address.port())) {
            DataInputStream oldIn = handshake(old, seeder.torrent);
            assertEquals(5, firstMessageId(oldIn), "the engine attached the first connection and sent its bitfield");
            long attached = System.nanoTime();
            // The first connection is alive: a keep-alive every 200 ms.
            OutputStream oldOut = old.getOutputStream();
            while (System.nanoTime() - attached < TimeUnit.MILLISECONDS.toNanos(SILENT_MILLIS)) {
                oldOut.write(new byte[4]);
                oldOut.flush();
                Thread.sleep(200);
            }
            oldOut.write(new byte[4]);
            oldOut.flush();
            try (Socket again = new Socket("127.0.0.1", seeder.address.port())) {
                DataInputStream againIn = handshake(again, seeder.torrent);
                again.setSoTimeout(15_000);
                assertEquals(-1, drain(againIn), "the second connection of a live peer is closed as a duplicate");
            }
            assertEquals(1, seeder.session.stats().peers().size(), "the live old connection stays");
            oldOut.write(new byte[4]);
            oldOut.flush();
            assertEquals(1, seeder.session.stats().peers().size(), "the live old connection stays");
        }
    }

    @Test
    void aSecondDialToAPeerWeHearFromIsNotMade() throws Exception {
        // A seeder limited to 256 KiB/s: the 8 MiB download lasts half a minute, so the connection is live while
        // the second dial is asked for (a downloader dials every known peer again on each tracker answer).
        SwarmEngine limited = new SwarmEngine(EngineConfig.defaults().withUploadLimit(Loopback.limit(256 * 1024)));
        SwarmEngine leecher = Loopback.engine(transport);
        try {
            Path content = Loopback.content(dir.resolve("src"), "file.bin", 10, 8 << 20);
            CreatedTorrent t = Loopback.torrent(content, TorrentMode.V2_ONLY, 1 << 16);
            TorrentSession seeding = limited.add(t.metainfo(), dir.resolve("src"), dir.resolve("seed-state"),
                    TorrentOptions.defaults());
            TransportAddress address = Loopback.listen(limited, transport);
            TorrentSession leeching = leecher.add(t.metainfo(), dir.resolve("dst"), dir.resolve("leech-state"),
                    TorrentOptions.defaults());
            leeching.connect(address).toCompletableFuture().get(10, TimeUnit.SECONDS);
            await("the first connection on both sides", () -> leeching.stats().peers().size() == 1
                    && seeding.stats().peers().size() == 1);
            long first = leeching.stats().peers().get(0).connectionId();

            try {
                leeching.connect(address).toCompletableFuture().get(10, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                fail("a second connection was dialled to a peer we hear from, and closed as a duplicate: " + e);
            }
            assertEquals(TorrentState.DOWNLOADING, leeching.stats().state(), "8 MiB at 256 KiB/s: still downloading");
            assertEquals(List.of(first), leeching.stats().peers().stream().map(PeerStats::connectionId).toList(),
                    "the first connection stays the only one");
            assertEquals(1, seeding.stats().peers().size(), "the seeder holds one connection of the downloader");
        } finally {
            leecher.close();
            limited.close();
        }
    }

    private record Seeder(TorrentSession session, CreatedTorrent torrent, TransportAddress address) {
    }

    private Seeder seeder() throws Exception {
        Path content = Loopback.content(dir.resolve("seed"), "redial.bin", 9, 100_000);
        CreatedTorrent t = Loopback.torrent(content, TorrentMode.V2_ONLY, 16_384);
        engine = new SwarmEngine(EngineConfig.defaults().withTimeouts(Duration.ofSeconds(10), IDLE));
        TorrentSession session = engine.add(t.metainfo(), dir.resolve("seed"), dir.resolve("state"),
                TorrentOptions.defaults());
        return new Seeder(session, t, Loopback.listen(engine, transport));
    }

    /** Sends our BEP 3 handshake (no extensions) and reads the engine's. */
    private static DataInputStream handshake(Socket socket, CreatedTorrent t) throws IOException {
        socket.setSoTimeout(15_000);
        ByteArrayOutputStream hs = new ByteArrayOutputStream();
        hs.write(19);
        hs.write("BitTorrent protocol".getBytes(StandardCharsets.US_ASCII));
        hs.write(new byte[8]);
        hs.write(t.metainfo().infoHashes().v2Truncated().bytes());
        hs.write(PEER_ID);
        socket.getOutputStream().write(hs.toByteArray());
        socket.getOutputStream().flush();
        DataInputStream in = new DataInputStream(socket.getInputStream());
        byte[] reply = in.readNBytes(68);
        assertEquals(68, reply.length, "the engine answered the handshake");
        return in;
    }

    /** The id of the first message that is not a keep-alive; EOFException if the engine closes first. */
    private static int firstMessageId(DataInputStream in) throws IOException {
        int length;
        do {
            length = in.readInt();
        } while (length == 0);
        return in.readUnsignedByte();
    }

    /** Reads until the engine closes the connection; answers the last read's -1. */
    private static int drain(DataInputStream in) throws IOException {
        int b;
        do {
            b = in.read();
        } while (b >= 0);
        return b;
    }

    /** Waits for time to pass (the old connection's silence is the precondition, not an async effect). */
    private static void sleepUntil(long nanoTime) throws InterruptedException {
        for (long left = nanoTime - System.nanoTime(); left > 0; left = nanoTime - System.nanoTime()) {
            Thread.sleep(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }
}
