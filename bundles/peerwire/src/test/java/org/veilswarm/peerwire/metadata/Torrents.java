package org.veilswarm.peerwire.metadata;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.veilswarm.metainfo.CreatedTorrent;
import org.veilswarm.metainfo.MetainfoException;
import org.veilswarm.metainfo.TorrentCreator;
import org.veilswarm.metainfo.TorrentMode;

/** Torrents whose info dictionary spans several 16 KiB metadata pieces (it grows with the file count). */
final class Torrents {

    private Torrents() {
    }

    /** A folder of {@code files} small files with long names, as a v2 or hybrid torrent. */
    static CreatedTorrent folder(Path dir, int files, TorrentMode mode) throws IOException, MetainfoException {
        Path root = Files.createDirectories(dir.resolve("share"));
        for (int i = 0; i < files; i++) {
            Files.write(root.resolve(String.format("file-%04d-with-a-name-long-enough-to-matter.bin", i)),
                    ("content of file " + i).repeat(1 + i % 7).getBytes());
        }
        try {
            return TorrentCreator.forPath(root).mode(mode).pieceLength(16 * 1024).create();
        } catch (org.veilswarm.metainfo.TorrentCreationCancelledException e) {
            throw new AssertionError(e);
        }
    }
}
