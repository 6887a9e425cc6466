package org.veilswarm.swarm.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.metainfo.CreatedTorrent;
import org.veilswarm.metainfo.FileEntry;
import org.veilswarm.metainfo.InfoDictionary;
import org.veilswarm.metainfo.TorrentMode;
import org.veilswarm.transport.direct.impl.DirectTransportEngine;

/**
 * A download in a child JVM is killed with SIGKILL ({@code destroyForcibly}) halfway. After a restart in this
 * JVM, every piece the child had reported verified is still verified (none lost), the restarted engine asks
 * only for the pieces that were missing (none downloaded again: the bytes received equal the missing
 * pieces' sizes exactly, from a single seeder, so no end-game duplicates), and the files match by SHA-256.
 */
class EngineKillTest {

    @TempDir
    Path dir;

    private static BitSet reported(Path log) throws java.io.IOException {
        BitSet reported = new BitSet();
        if (Files.exists(log)) {
            for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                if (line.startsWith("verified ")) {
                    reported.set(Integer.parseInt(line.substring("verified ".length())));
                }
            }
        }
        return reported;
    }

    @Test
    void aDownloadKilledHalfwayResumesWithoutLosingOrRefetchingVerifiedPieces() throws Exception {
        Path content = Loopback.content(dir.resolve("seed"), "kill.bin", 31, 3 << 20);
        CreatedTorrent t = Loopback.torrent(content, TorrentMode.V2_ONLY, 32_768);
        InfoDictionary info = t.metainfo().info();
        Path torrentFile = Files.write(dir.resolve("kill.torrent"), t.bytes());
        Path downloads = dir.resolve("dl");
        Path state = dir.resolve("state");
        DirectTransportEngine transport = Loopback.transport();
        SwarmEngine seeder = Loopback.engine(transport);
        try {
            // 1 MiB/s: the 3 MiB download takes about 3 s, so the kill lands in the middle of it
            seeder.add(t.metainfo(), dir.resolve("seed"), dir.resolve("seed-state"),
                    TorrentOptions.defaults().withUploadLimit(Loopback.limit(1 << 20)));
            TransportAddress address = Loopback.listen(seeder, transport);

            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            // stdout goes to a file: every line the child printed before the kill is in it afterwards
            Path log = dir.resolve("child.out");
            Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    EngineKillHarness.class.getName(), torrentFile.toString(), downloads.toString(), state.toString(),
                    address.host(), Integer.toString(address.port()))
                    .redirectOutput(log.toFile())
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            boolean killed = false;
            long started = System.nanoTime();
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
                while (!killed && child.isAlive() && System.nanoTime() < deadline) {
                    if (reported(log).cardinality() >= info.pieceCount() / 2) {
                        child.destroyForcibly(); // SIGKILL: no shutdown hook, no close(), no final checkpoint
                        killed = true;
                    } else {
                        Thread.sleep(5);
                    }
                }
            } finally {
                child.destroyForcibly();
                assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the child did not die");
            }
            System.out.printf("killed after %d ms%n", (System.nanoTime() - started) / 1_000_000);
            BitSet reported = reported(log);
            boolean completed = Files.readAllLines(log).contains("complete");
            assertTrue(killed && !completed, "the child was killed before it completed");
            assertTrue(reported.cardinality() < info.pieceCount(), "killed midway: " + reported.cardinality());

            SwarmEngine restarted = Loopback.engine(transport);
            try {
                TorrentSession session = restarted.add(t.metainfo(), downloads, state, TorrentOptions.defaults());
                BitSet atOpen = session.verifiedPieces();
                System.out.println("after SIGKILL: reported " + reported.cardinality() + " of " + info.pieceCount()
                        + ", " + session.openReport());
                assertTrue(session.openReport().resumeUsed(), session.openReport().resumeProblem());
                BitSet lost = (BitSet) reported.clone();
                lost.andNot(atOpen);
                assertTrue(lost.isEmpty(), "verified pieces lost by the kill: " + lost);

                BitSet fetched = new BitSet();
                session.addListener(new TorrentListener() {
                    @Override
                    public void pieceVerified(int piece) {
                        fetched.set(piece);
                    }
                });
                session.connect(address).toCompletableFuture().get(10, TimeUnit.SECONDS);
                long resumed = System.nanoTime();
                session.completion().get(30, TimeUnit.SECONDS);
                System.out.printf("resumed download took %d ms%n", (System.nanoTime() - resumed) / 1_000_000);
                BitSet again = (BitSet) fetched.clone();
                again.and(atOpen);
                assertTrue(again.isEmpty(), "pieces downloaded again: " + again);
                long missingBytes = 0;
                for (int p = atOpen.nextClearBit(0); p < info.pieceCount(); p = atOpen.nextClearBit(p + 1)) {
                    FileEntry f = info.fileAtPiece(p);
                    missingBytes += f.pieceSize(p - f.firstPiece(), info.pieceLength());
                }
                assertEquals(missingBytes, session.stats().downloaded(), "bytes received after the restart");
                Loopback.assertSameTree(content, downloads.resolve("kill.bin"));
            } finally {
                restarted.close();
            }
        } finally {
            seeder.close();
            transport.close();
        }
    }
}
