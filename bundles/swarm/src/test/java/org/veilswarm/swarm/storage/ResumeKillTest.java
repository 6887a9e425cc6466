package org.veilswarm.swarm.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;
import org.veilswarm.metainfo.TorrentMode;

/**
 * A real process is killed with SIGKILL while it writes pieces. With a checkpoint after every piece,
 * every piece it reported verified must still be verified after a restart (zero loss), every piece
 * the resume file lists must verify, and finishing needs only the missing pieces.
 */
class ResumeKillTest {

    private static final int PIECE = 16 * 1024;

    @TempDir
    Path tmp;

    /**
     * The child writes without pausing; the kill comes {@code killDelayMillis} after it reported its 40th
     * piece, so it lands at different points: while hashing, while writing a piece, while checkpointing.
     */
    @ParameterizedTest
    @ValueSource(ints = {0, 5, 15})
    void aKilledWriterLosesNoVerifiedPiece(int killDelayMillis) throws Exception {
        // 3 files, 41 + 60 + 18 = 119 pieces of 16 KiB
        TorrentFixture t = TorrentFixture.create(tmp, 99, TorrentMode.V2_ONLY, PIECE,
                new long[] {40 * PIECE + 123, 60 * PIECE, 17 * PIECE + 5});
        Path torrentFile = Files.write(tmp.resolve("share.torrent"), t.torrent);
        Path downloads = tmp.resolve("dl");
        Path state = tmp.resolve("state");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                ResumeKillHarness.class.getName(), torrentFile.toString(), t.source.toString(), downloads.toString(),
                state.toString(), "0")
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        BitSet reported = new BitSet();
        AtomicBoolean aliveAtKill = new AtomicBoolean();
        Thread killer = new Thread(() -> {
            try {
                Thread.sleep(killDelayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            aliveAtKill.set(child.isAlive());
            // SIGKILL: no shutdown hook, no close(). Through the ProcessHandle: Process.destroyForcibly would also
            // close our end of the child's stdout while the reading loop below still drains it ("Stream closed").
            child.toHandle().destroyForcibly();
        });
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            // read to the end: lines the child printed before it died are still in the pipe
            while ((line = out.readLine()) != null) {
                if (line.startsWith("verified ")) {
                    reported.set(Integer.parseInt(line.substring("verified ".length())));
                    if (reported.cardinality() == 40) {
                        killer.start();
                    }
                }
            }
        } finally {
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the child did not die");
            killer.join();
        }
        assertTrue(aliveAtKill.get(), "the child had finished before the kill");
        assertTrue(reported.cardinality() >= 40 && reported.cardinality() < t.info.pieceCount(),
                "killed midway: " + reported.cardinality() + " of " + t.info.pieceCount());
        assertTrue(Files.exists(state), "the child wrote resume data");

        try (PieceStore store = PieceStore.open(t.metainfo, downloads, state, StorageOptions.defaults())) {
            OpenReport report = store.openReport();
            System.out.println("after SIGKILL: reported " + reported.cardinality() + ", " + report);
            assertTrue(report.resumeUsed(), report.resumeProblem());
            BitSet verified = store.verifiedPieces();
            BitSet lost = (BitSet) reported.clone();
            lost.andNot(verified);
            assertTrue(lost.isEmpty(), "verified pieces lost by the kill: " + lost);
            // every piece claimed after the restart really is on disk and verifies
            for (int p = verified.nextSetBit(0); p >= 0; p = verified.nextSetBit(p + 1)) {
                byte[] piece = readPiece(store, t, p);
                assertTrue(t.metainfo.verifyPiece(p, piece), "piece " + p + " claimed but does not verify");
            }
            int missing = t.info.pieceCount() - verified.cardinality();
            int written = 0;
            for (int p = verified.nextClearBit(0); p < t.info.pieceCount(); p = verified.nextClearBit(p + 1)) {
                assertEquals(BlockResult.PIECE_VERIFIED, t.deliver(store, p));
                written++;
            }
            assertEquals(missing, written);
            assertTrue(store.isComplete());
        }
        t.assertDownloadEqualsSource(downloads);
    }

    private static byte[] readPiece(PieceStore store, TorrentFixture t, int p) throws Exception {
        byte[] out = new byte[t.piece(p).length];
        for (int off = 0; off < out.length; off += TorrentFixture.BLOCK) {
            int len = Math.min(TorrentFixture.BLOCK, out.length - off);
            System.arraycopy(store.readBlock(p, off, len).orElseThrow(), 0, out, off, len);
        }
        return out;
    }
}
