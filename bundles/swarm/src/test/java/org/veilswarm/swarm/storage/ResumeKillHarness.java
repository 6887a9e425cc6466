package org.veilswarm.swarm.storage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import org.veilswarm.metainfo.Metainfo;
import org.veilswarm.metainfo.MetainfoParser;

/**
 * Child process of {@link ResumeKillTest}: "downloads" a torrent from a local source folder, piece by
 * piece in shuffled order, printing {@code verified <piece>} after each piece {@link PieceStore} reports
 * verified, until the parent kills it with SIGKILL.
 *
 * <p>Arguments: torrent file, source folder, download folder, state folder, pause between pieces (ms).
 */
public final class ResumeKillHarness {

    private ResumeKillHarness() {
    }

    public static void main(String[] args) throws Exception {
        Metainfo metainfo = MetainfoParser.strict().parse(Files.readAllBytes(Path.of(args[0])));
        TorrentFixture source = new TorrentFixture(Path.of(args[1]), metainfo, new byte[0]);
        long pause = Long.parseLong(args[4]);
        PieceStore store = PieceStore.open(metainfo, Path.of(args[2]), Path.of(args[3]), StorageOptions.defaults());
        List<Integer> order = new ArrayList<>();
        for (int p = 0; p < metainfo.info().pieceCount(); p++) {
            order.add(p);
        }
        Collections.shuffle(order, new Random(7));
        System.out.println("opened");
        System.out.flush();
        for (int p : order) {
            if (source.deliver(store, p) == BlockResult.PIECE_VERIFIED) {
                System.out.println("verified " + p);
                System.out.flush();
            }
            Thread.sleep(pause);
        }
        store.close();
        System.out.println("done");
        System.out.flush();
    }
}
