package org.veilswarm.tracker.mirror;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veilswarm.api.tracker.Visibility;
import org.veilswarm.api.transport.TransportAddress;

/** Files that hold tokens or a private share's torrents, and what a mirror says about itself in logs. */
class OwnerOnlyFileTest {
    @TempDir
    Path dir;

    @Test
    void aDirectoryThatExistedOpenIsMadeOwnerOnly() throws Exception {
        Path mirrors = Files.createDirectories(dir.resolve("mirrors"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Files.setPosixFilePermissions(mirrors, PosixFilePermissions.fromString("rwxr-xr-x"));
        OwnerOnlyFile.write(mirrors.resolve("mirrors.list"), "share ...".getBytes(StandardCharsets.US_ASCII));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(mirrors)));
        assertEquals("rw-------",
                PosixFilePermissions.toString(Files.getPosixFilePermissions(mirrors.resolve("mirrors.list"))));
        assertArrayEquals("share ...".getBytes(StandardCharsets.US_ASCII),
                Files.readAllBytes(mirrors.resolve("mirrors.list")));
        assertFalse(Files.exists(mirrors.resolve("mirrors.list.tmp")));
    }

    @Test
    void aMirrorLinkNamesNoPartOfItsToken() {
        String token = "QzXw" + "a".repeat(28);
        MirrorLink link = new MirrorLink(new TestIdentity().address(), new TransportAddress("127.0.0.1", 6969),
                Visibility.PRIVATE, token);
        String text = link.toString();
        assertFalse(text.contains("QzXw"), text);
        assertTrue(text.contains("private share"), text);
    }
}
