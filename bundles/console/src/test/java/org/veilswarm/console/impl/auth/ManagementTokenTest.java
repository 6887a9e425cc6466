package org.veilswarm.console.impl.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManagementTokenTest {

    @TempDir
    Path data;

    private final SecureRandom random = new SecureRandom();

    @Test
    void createsA32ByteBase64UrlTokenInAnOwnerOnlyFile() throws IOException {
        ManagementToken token = ManagementToken.loadOrCreate(data, random);
        Path file = data.resolve(ManagementToken.FILE_NAME);
        String stored = Files.readString(file);
        assertEquals(token.value(), stored);
        assertEquals(43, stored.length());
        assertTrue(stored.matches("[A-Za-z0-9_-]{43}"), stored);
        assertEquals(32, Base64.getUrlDecoder().decode(stored).length);
        if (data.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        }
    }

    @Test
    void keepsTheSameTokenAcrossRestarts() throws IOException {
        ManagementToken first = ManagementToken.loadOrCreate(data, random);
        ManagementToken second = ManagementToken.loadOrCreate(data, random);
        assertEquals(first.value(), second.value());
    }

    @Test
    void createsTheDataDirectoryWhenMissing() throws IOException {
        Path nested = data.resolve("home/.veilswarm");
        ManagementToken.loadOrCreate(nested, random);
        assertTrue(Files.isRegularFile(nested.resolve(ManagementToken.FILE_NAME)));
    }

    @Test
    void refusesATokenFileReadableByGroupOrOthers() throws IOException {
        assertTrue(data.getFileSystem().supportedFileAttributeViews().contains("posix"),
                "Veilswarm supports only POSIX file systems: the temporary directory has no POSIX permissions");
        ManagementToken.loadOrCreate(data, random);
        Path file = data.resolve(ManagementToken.FILE_NAME);
        for (String mode : new String[] {"rw-r-----", "rw----r--", "rw-rw-rw-"}) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
            IOException e = assertThrows(IOException.class, () -> ManagementToken.loadOrCreate(data, random));
            assertTrue(e.getMessage().contains("accessible by group or others (" + mode + ")"), e.getMessage());
            assertTrue(e.getMessage().contains("chmod 600"), e.getMessage());
        }
    }

    @Test
    void refusesMalformedTokenFiles() throws IOException {
        Path file = data.resolve(ManagementToken.FILE_NAME);
        for (String content : new String[] {"", "short", "A".repeat(42) + "!", "A".repeat(44)}) {
            Files.writeString(file, content);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            IOException e = assertThrows(IOException.class, () -> ManagementToken.loadOrCreate(data, random));
            assertTrue(e.getMessage().contains("does not hold a management token"), e.getMessage());
        }
    }

    @Test
    void toleratesATrailingNewlineAddedByAnEditor() throws IOException {
        String value = ManagementToken.generate(random).value();
        Path file = data.resolve(ManagementToken.FILE_NAME);
        Files.writeString(file, value + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        assertTrue(ManagementToken.loadOrCreate(data, random).matches(value));
    }

    @Test
    void refusesASymbolicLink() throws IOException {
        Path real = data.resolve("elsewhere");
        Files.writeString(real, ManagementToken.generate(random).value());
        Files.createSymbolicLink(data.resolve(ManagementToken.FILE_NAME), real);
        IOException e = assertThrows(IOException.class, () -> ManagementToken.loadOrCreate(data, random));
        assertTrue(e.getMessage().contains("symbolic link"), e.getMessage());
    }

    @Test
    void matchesOnlyTheExactToken() {
        ManagementToken token = ManagementToken.generate(random);
        String value = token.value();
        assertTrue(token.matches(value));
        char last = value.charAt(value.length() - 1);
        assertFalse(token.matches(value.substring(0, value.length() - 1) + (last == 'A' ? 'B' : 'A')));
        assertFalse(token.matches(value.substring(0, 10)));
        assertFalse(token.matches(value + "x"));
        assertFalse(token.matches(""));
        assertFalse(token.matches(null));
        assertFalse(token.matches(" " + value));
    }

    @Test
    void generatedTokensDifferAndNeverShowInToString() {
        ManagementToken a = ManagementToken.generate(random);
        ManagementToken b = ManagementToken.generate(random);
        assertNotEquals(a.value(), b.value());
        assertFalse(a.toString().contains(a.value()));
    }

    @Test
    void secretDigestComparesEqualLengthDigestsWhateverTheCandidateLength() {
        // The constant-time property rests on comparing two SHA-256 digests: check both are always 32 bytes.
        assertEquals(32, SecretDigest.sha256(new byte[0]).length);
        assertEquals(32, SecretDigest.sha256(new byte[10_000]).length);
    }
}
