package org.veilswarm.metainfo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TorrentPathTest {

    @TempDir
    Path downloads;

    @Test
    void resolvesBelowTheDownloadDirectory() throws MetainfoException {
        Path p = TorrentPath.parse("dir/sub/file.txt").resolveUnder(downloads);
        assertEquals(downloads.toAbsolutePath().normalize().resolve("dir").resolve("sub").resolve("file.txt"), p);
    }

    @Test
    void aDownloadDirectoryWithDotsIsNormalisedFirst() throws MetainfoException {
        Path messy = downloads.resolve("a").resolve("..").resolve("b").resolve(".");
        Path p = TorrentPath.parse("x").resolveUnder(messy);
        assertEquals(downloads.toAbsolutePath().normalize().resolve("b").resolve("x"), p);
    }

    @Test
    void relativeDownloadDirectoriesBecomeAbsolute() throws MetainfoException {
        Path p = TorrentPath.parse("x/y").resolveUnder(Path.of("relative"));
        assertTrue(p.isAbsolute());
        assertTrue(p.startsWith(Path.of("relative").toAbsolutePath().normalize()));
    }

    @Test
    void hostilePathsCannotEvenBeBuilt() {
        String[] hostile = {"../etc/passwd", "a/../../b", "/etc/passwd", "a//b", "a/./b", "", "a/", "C:/Windows",
            "dir/..", "..\\..\\boot.ini", "x/CON/y", "a/b\u0000c"};
        for (String h : hostile) {
            assertThrows(MetainfoException.class, () -> TorrentPath.parse(h), h);
        }
    }

    @Test
    void overlongPathsAreRejected() throws MetainfoException {
        List<PathComponent> parts = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            parts.add(PathComponent.of("d".repeat(200)));
        }
        MetainfoException e = assertThrows(MetainfoException.class, () -> TorrentPath.of(parts));
        assertTrue(e.getMessage().contains("longer than 4096"));
        assertThrows(MetainfoException.class, () -> TorrentPath.of(List.of()));
    }

    /** Whatever valid components a torrent holds, the result stays strictly inside the directory. */
    @Test
    void randomValidPathsNeverEscape() throws MetainfoException {
        Random random = new Random(47);
        String alphabet = "ab.~ -_:%$\u00e9\u2028\\/\u0000";
        Path base = downloads.toAbsolutePath().normalize();
        int built = 0;
        for (int i = 0; i < 20_000; i++) {
            List<PathComponent> parts = new ArrayList<>();
            int depth = 1 + random.nextInt(5);
            for (int d = 0; d < depth; d++) {
                StringBuilder name = new StringBuilder();
                int len = 1 + random.nextInt(4);
                for (int k = 0; k < len; k++) {
                    name.append(alphabet.charAt(random.nextInt(alphabet.length())));
                }
                try {
                    parts.add(PathComponent.of(name.toString()));
                } catch (MetainfoException rejected) {
                    // hostile names are refused up front; the rest must resolve safely
                }
            }
            if (parts.isEmpty()) {
                continue;
            }
            Path resolved = TorrentPath.of(parts).resolveUnder(downloads);
            assertTrue(resolved.startsWith(base) && !resolved.equals(base), resolved::toString);
            assertEquals(base.getNameCount() + parts.size(), resolved.getNameCount(), resolved::toString);
            built++;
        }
        assertTrue(built > 5_000, "the generator must produce many valid paths, got " + built);
    }

    @Test
    void underPrefixesTheRootDirectory() throws MetainfoException {
        TorrentPath p = TorrentPath.parse("a/b").under(PathComponent.of("root"));
        assertEquals("root/a/b", p.toString());
    }

    @Test
    void ordersLikeAFileTreeNotLikeStrings() throws MetainfoException {
        // In a file tree "a" (a directory) comes before "a.txt"; as strings "a.txt" < "a/x" since '.' < '/'.
        assertTrue(TorrentPath.parse("a/x").compareTo(TorrentPath.parse("a.txt")) < 0);
    }
}
