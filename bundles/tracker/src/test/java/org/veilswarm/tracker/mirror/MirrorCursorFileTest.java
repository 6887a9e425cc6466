package org.veilswarm.tracker.mirror;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veilswarm.api.tracker.AnnounceEvent;
import org.veilswarm.api.tracker.Visibility;

/** The saved position: round trip, owner-only, damage reported, and a position that cannot be saved. */
class MirrorCursorFileTest {
    @TempDir
    Path dir;

    @Test
    void aCursorComesBackAsSavedAndOnlyTheOwnerCanReadIt() throws IOException {
        MirrorCursorFile file = new MirrorCursorFile(dir.resolve("mirrors/a.cursor"));
        assertEquals(MirrorCursor.EMPTY, file.load());
        MirrorCursor cursor = new MirrorCursor(Optional.of(FeedEpoch.of(new byte[16])), 1234,
                Set.of(MirrorLoopbackTest.HASH, MirrorLoopbackTest.OTHER));
        file.save(cursor);
        assertEquals(cursor, file.load());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.path())));
        MirrorCursor unpositioned = cursor.unpositioned();
        file.save(unpositioned);
        assertEquals(unpositioned, file.load());
        assertFalse(file.load().positioned());
        assertFalse(Files.exists(dir.resolve("mirrors/a.cursor.tmp")));
    }

    @Test
    void droppingThePositionKeepsTheTorrentsAndWritesNothingWhereNothingWasSaved() throws IOException {
        MirrorCursorFile file = new MirrorCursorFile(dir.resolve("a.cursor"));
        file.dropPosition();
        assertFalse(Files.exists(file.path()), "no cursor saved, none made up");
        MirrorCursor cursor = new MirrorCursor(Optional.of(FeedEpoch.of(new byte[16])), 99,
                Set.of(MirrorLoopbackTest.HASH, MirrorLoopbackTest.OTHER));
        file.save(cursor);
        file.dropPosition();
        MirrorCursor dropped = file.load();
        assertFalse(dropped.positioned());
        assertEquals(0, dropped.sequence());
        assertEquals(cursor.torrents(), dropped.torrents());
    }

    @Test
    void aDamagedCursorSaysHowToRecover() throws IOException {
        Path path = dir.resolve("bad.cursor");
        Files.writeString(path, "d8:sequencei-e");
        IOException e = assertThrows(IOException.class, () -> new MirrorCursorFile(path).load());
        assertTrue(e.getMessage().contains("delete it to take a new snapshot"), e.getMessage());
    }

    @Test
    void aPositionThatCannotBeSavedIsReportedWhileTheCopyGoesOn() throws Exception {
        try (MirrorNode a = MirrorNode.memory().listen(); MirrorNode b = MirrorNode.memory()) {
            String token = a.newShare(Visibility.PRIVATE, MirrorLoopbackTest.HASH);
            a.announce(Visibility.PRIVATE, token, MirrorLoopbackTest.HASH, 1, AnnounceEvent.STARTED);
            // The temporary file's name is taken by a non-empty directory: every save fails, for any user (root
            // included, whom file permissions would not stop).
            Files.createDirectories(dir.resolve("cursor.tmp"));
            Files.writeString(dir.resolve("cursor.tmp/occupied"), "x");
            try (TrackerMirror mirror = new TrackerMirror(a.link(Visibility.PRIVATE, token), b.engine::connect,
                    b.store, b.identity, new MirrorCursorFile(dir.resolve("cursor")),
                    MirrorLoopbackTest.FAST, s -> { }).start()) {
                MirrorLoopbackTest.awaitNanos("copied, position not saved", () -> mirror.status().rejected() > 0
                        && MirrorLoopbackTest.peers(b.store, MirrorLoopbackTest.HASH) == 1);
                assertTrue(mirror.status().lastError().orElseThrow().contains("cannot save the mirror position"));
                a.announce(Visibility.PRIVATE, token, MirrorLoopbackTest.HASH, 2, AnnounceEvent.STARTED);
                MirrorLoopbackTest.awaitNanos("still following", () -> MirrorLoopbackTest.peers(b.store,
                        MirrorLoopbackTest.HASH) == 2);
                assertEquals(1, mirror.status().snapshots(), "it went on from its position in memory");
            }
        }
    }
}
