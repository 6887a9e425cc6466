package org.veilswarm.console.impl.files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OwnerOnlyFilesTest {

    @TempDir
    Path dir;

    @BeforeEach
    void posixOnly() {
        assertTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"),
                "Veilswarm supports only POSIX file systems: the temporary directory has no POSIX permissions");
    }

    @Test
    void writesOwnerOnlyFileWithExactContent() throws IOException {
        Path file = dir.resolve("secret");
        OwnerOnlyFiles.write(file, "hello".getBytes(StandardCharsets.US_ASCII));
        assertEquals("hello", Files.readString(file));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }

    @Test
    void replacesExistingContentAndLeavesNoTemporaryFile() throws IOException {
        Path file = dir.resolve("secret");
        OwnerOnlyFiles.write(file, new byte[] {1, 2, 3});
        OwnerOnlyFiles.write(file, new byte[] {4, 5});
        assertArrayEquals(new byte[] {4, 5}, Files.readAllBytes(file));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
    }

    @Test
    void tightensNothingItDidNotCreateButCreatesMissingDirectoriesOwnerOnly() throws IOException {
        Path file = dir.resolve("a/b/secret");
        OwnerOnlyFiles.write(file, new byte[] {7});
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("a"))));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("a/b"))));
    }

    @Test
    void reportsAccessByGroupOrOthers() throws IOException {
        Path file = dir.resolve("f");
        Files.writeString(file, "x");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        assertEquals(Optional.empty(), OwnerOnlyFiles.accessBeyondOwner(file));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
        assertEquals(Optional.of("rw-r-----"), OwnerOnlyFiles.accessBeyondOwner(file));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-----w-"));
        assertTrue(OwnerOnlyFiles.accessBeyondOwner(file).isPresent());
    }
}
