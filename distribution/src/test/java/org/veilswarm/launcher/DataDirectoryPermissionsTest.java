package org.veilswarm.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The data directory holds Configuration Admin files and the framework cache: only the node's user reads it. */
class DataDirectoryPermissionsTest {

    @TempDir
    Path temp;

    private VeilswarmNode node;

    @AfterEach
    void stop() {
        if (node != null) {
            node.stop();
        }
    }

    private static String permissions(Path dir) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(dir));
    }

    @Test
    void aFreshDataDirectoryAndItsSecretsAreOwnerOnly() throws Exception {
        Path data = temp.resolve("fresh").resolve("data");
        node = TestNodes.builder(data).features("core").build();
        assertEquals("rwx------", permissions(data), "created owner-only, before the node starts");
        node.start();
        assertEquals("rwx------", permissions(data));
        assertEquals("rwx------", permissions(data.resolve("config")));
        assertEquals("rwx------", permissions(data.resolve("felix-cache")));
    }

    @Test
    void anExistingDataDirectoryIsLeftAloneButItsSecretDirectoriesAreTightened() throws Exception {
        Path data = Files.createDirectory(temp.resolve("open"));
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path config = Files.createDirectory(data.resolve("config"));
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rwxrwxrwx"));
        node = TestNodes.builder(data).features("core").build();
        node.start();
        // The operator chose it (it could be /tmp): warned about, never changed.
        assertEquals("rwxr-xr-x", permissions(data));
        assertEquals("rwx------", permissions(config));
        assertEquals("rwx------", permissions(data.resolve("felix-cache")));
    }
}
