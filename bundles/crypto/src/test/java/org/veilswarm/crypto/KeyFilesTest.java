package org.veilswarm.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Owner-only permissions, atomic replacement, create-never-replace, and refusal of unsafe or damaged key files. */
class KeyFilesTest {
    @TempDir
    Path temp;

    @Test
    void writtenFileIsOwnerReadWriteOnlyInAnOwnerOnlyDirectory() throws IOException {
        Path file = temp.resolve("data/keys/identity.ed25519");
        byte[] secret = Randoms.bytes(32);

        KeyFiles.writeSecret(file, secret);

        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
        assertEquals("rwx------",
                PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent().getParent())));
        assertArrayEquals(secret, Files.readAllBytes(file));
        assertArrayEquals(secret, KeyFiles.readSecret(file, 32));
    }

    @Test
    void existingParentDirectoryIsLeftAsItIs() throws IOException {
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-x---"));
        KeyFiles.writeSecret(temp.resolve("management.token"), new byte[] {1});
        assertEquals("rwxr-x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(temp)));
    }

    @Test
    void replacingIsAtomicAndLeavesNoTemporaryFile() throws IOException {
        Path file = temp.resolve("identity.ed25519");
        KeyFiles.writeSecret(file, Randoms.bytes(32));
        byte[] second = Randoms.bytes(32);

        KeyFiles.writeSecret(file, second);

        assertArrayEquals(second, KeyFiles.readSecret(file, 32));
        assertEquals(List.of("identity.ed25519"), fileNames(temp));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }

    @Test
    void replacingAWorldReadableFileMakesItOwnerOnly() throws IOException {
        Path file = temp.resolve("identity.ed25519");
        Files.write(file, new byte[32]);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        KeyFiles.writeSecret(file, Randoms.bytes(32));

        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }

    @Test
    void groupOrOtherReadableFileIsRefusedWithTheFix() throws IOException {
        Path file = temp.resolve("identity.ed25519");
        KeyFiles.writeSecret(file, Randoms.bytes(32));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        IOException e = assertThrows(IOException.class, () -> KeyFiles.readSecret(file, 32));

        assertTrue(e.getMessage().contains("rw-r--r--"), e.getMessage());
        assertTrue(e.getMessage().contains("chmod 600"), e.getMessage());
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        for (String permissions : new String[] {"rw-r-----", "rw----r--", "rw--w----", "rw-------"}) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(permissions));
            if (permissions.equals("rw-------")) {
                assertEquals(32, KeyFiles.readSecret(file, 32).length);
            } else {
                assertThrows(IOException.class, () -> KeyFiles.readSecret(file, 32), permissions);
            }
        }
    }

    @Test
    void wrongLengthIsRefused() throws IOException {
        Path file = temp.resolve("identity.ed25519");
        KeyFiles.writeSecret(file, Randoms.bytes(31));

        IOException e = assertThrows(IOException.class, () -> KeyFiles.readSecret(file, 32));

        assertTrue(e.getMessage().contains("31") && e.getMessage().contains("32"), e.getMessage());
    }

    @Test
    void missingFileAndDirectoryAreReportedAsSuch() throws IOException {
        assertThrows(NoSuchFileException.class, () -> KeyFiles.readSecret(temp.resolve("absent"), 32));
        Files.createDirectory(temp.resolve("dir"));
        IOException e = assertThrows(IOException.class, () -> KeyFiles.readSecret(temp.resolve("dir"), 32));
        assertTrue(e.getMessage().contains("not a regular file"), e.getMessage());
    }

    @Test
    void createdFileIsOwnerReadWriteOnlyWithNoTemporaryOrSecondLinkLeft() throws IOException {
        Path file = temp.resolve("data/keys/identity.ed25519");
        byte[] secret = Randoms.bytes(32);

        KeyFiles.createSecret(file, secret);

        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
        assertArrayEquals(secret, KeyFiles.readSecret(file, 32));
        assertEquals(List.of("identity.ed25519"), fileNames(file.getParent()));
        assertEquals(1, Files.getAttribute(file, "unix:nlink"), "the temporary name was removed");
    }

    @Test
    void createSecretNeverReplacesAnExistingFile() throws IOException {
        Path file = temp.resolve("identity.ed25519");
        byte[] existing = Randoms.bytes(32);
        KeyFiles.writeSecret(file, existing);

        FileAlreadyExistsException e = assertThrows(FileAlreadyExistsException.class,
                () -> KeyFiles.createSecret(file, Randoms.bytes(32)));

        assertEquals(file.toAbsolutePath().toString(), e.getFile());
        assertArrayEquals(existing, KeyFiles.readSecret(file, 32), "the existing secret is unchanged");
        assertEquals(List.of("identity.ed25519"), fileNames(temp), "no temporary file is left behind");
    }

    @Test
    void createSecretDoesNotWriteThroughADanglingSymbolicLink() throws IOException {
        Path file = temp.resolve("keys/identity.ed25519");
        Path target = temp.resolve("elsewhere/identity.ed25519");
        Files.createDirectories(file.getParent());
        Files.createDirectories(target.getParent());
        Files.createSymbolicLink(file, target);

        assertThrows(FileAlreadyExistsException.class, () -> KeyFiles.createSecret(file, Randoms.bytes(32)));

        assertTrue(Files.isSymbolicLink(file));
        assertFalse(Files.exists(target, LinkOption.NOFOLLOW_LINKS), "nothing was written through the link");
        assertEquals(List.of("identity.ed25519"), fileNames(file.getParent()));
    }

    @Test
    void aParentThatIsAFileIsNotMistakenForAnExistingKey() throws IOException {
        Files.write(temp.resolve("keys"), new byte[] {1});

        IOException e = assertThrows(IOException.class,
                () -> KeyFiles.createSecret(temp.resolve("keys/identity.ed25519"), Randoms.bytes(32)));

        assertFalse(e instanceof FileAlreadyExistsException, "only the key file itself is reported as existing: " + e);
        assertTrue(e.getMessage().contains("keys"), e.getMessage());
    }

    @Test
    void aSymbolicLinkToAValidKeyFileIsRefused() throws IOException {
        Path real = temp.resolve("real/identity.ed25519");
        KeyFiles.writeSecret(real, Randoms.bytes(32));
        Path link = temp.resolve("identity.ed25519");
        Files.createSymbolicLink(link, real);

        IOException e = assertThrows(IOException.class, () -> KeyFiles.readSecret(link, 32));

        assertTrue(e.getMessage().contains("symbolic link"), e.getMessage());
        assertTrue(e.getMessage().contains(link.toString()), e.getMessage());
        assertEquals(32, KeyFiles.readSecret(real, 32).length, "the file itself is fine: the link is what is refused");
    }

    @Test
    void aLongerFileIsRefusedWithItsLength() throws IOException {
        Path file = temp.resolve("identity.ed25519");
        KeyFiles.writeSecret(file, Randoms.bytes(33));

        IOException e = assertThrows(IOException.class, () -> KeyFiles.readSecret(file, 32));

        assertTrue(e.getMessage().contains("33") && e.getMessage().contains("32"), e.getMessage());
    }

    private static List<String> fileNames(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }
}
