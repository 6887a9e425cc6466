package org.veilswarm.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where `veilswarm get` says the finished download is. */
class ShareCommandsStoredUnderTest {
    @TempDir
    Path dir;

    @Test
    void aFolderTorrentIsInItsFolder() throws Exception {
        Files.createDirectories(dir.resolve("album"));
        assertEquals(dir.resolve("album"), ShareCommands.storedUnder(dir, "album"));
    }

    @Test
    void aSingleFileTorrentIsItsFile() throws Exception {
        Files.write(dir.resolve("movie.mkv"), new byte[1]);
        assertEquals(dir.resolve("movie.mkv"), ShareCommands.storedUnder(dir, "movie.mkv"));
    }

    @Test
    void aSingleFileTorrentWhoseNameIsNoFolderThereIsInTheDirectory() {
        // a folder of one file is shared as that file: the name is the folder's, the file is stored under its own
        assertEquals(dir, ShareCommands.storedUnder(dir, "share8"));
    }

    @Test
    void namesThatWouldLeaveTheDirectoryAreNotFollowed() {
        assertEquals(dir, ShareCommands.storedUnder(dir, ".."));
        assertEquals(dir, ShareCommands.storedUnder(dir, "../.."));
        assertEquals(dir, ShareCommands.storedUnder(dir, null));
    }
}
