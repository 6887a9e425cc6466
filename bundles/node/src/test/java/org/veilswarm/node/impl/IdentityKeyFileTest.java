package org.veilswarm.node.impl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veilswarm.api.node.OnionAddress;
import org.veilswarm.crypto.Ed25519;

class IdentityKeyFileTest {

    @TempDir
    Path temp;

    private DataDirectory data;
    private Path keyFile;

    @BeforeEach
    void dataDirectory() {
        data = DataDirectory.resolve(temp.resolve("data").toString(), temp);
        keyFile = data.root().resolve("keys").resolve("identity.ed25519");
    }

    @Test
    void theFirstStartCreatesA32ByteSeedReadableByTheOwnerOnlyInAnOwnerOnlyDirectory() throws IOException {
        IdentityKeyFile.Loaded loaded = IdentityKeyFile.in(data).loadOrCreate();

        assertTrue(loaded.created());
        assertEquals(keyFile, IdentityKeyFile.in(data).path());
        assertEquals("rw-------", permissions(keyFile));
        assertEquals("rwx------", permissions(keyFile.getParent()));
        byte[] seed = Files.readAllBytes(keyFile);
        assertEquals(32, seed.length);
        assertArrayEquals(Ed25519.publicKeyFromSeed(seed), loaded.keyPair().publicKey(),
                "the file holds the seed of the key in use");
        try (var entries = Files.list(keyFile.getParent())) {
            assertEquals(List.of(keyFile), entries.toList(), "no temporary file is left behind");
        }
    }

    @Test
    void laterStartsLoadTheSameKeySoTheAddressStaysTheSame() throws IOException {
        IdentityKeyFile.Loaded first = IdentityKeyFile.in(data).loadOrCreate();
        byte[] stored = Files.readAllBytes(keyFile);

        IdentityKeyFile.Loaded second = IdentityKeyFile.in(data).loadOrCreate();

        assertFalse(second.created());
        assertEquals(address(first), address(second));
        assertArrayEquals(stored, Files.readAllBytes(keyFile), "loading does not rewrite the file");
    }

    @Test
    void twoDataDirectoriesGetDifferentIdentities() {
        DataDirectory other = DataDirectory.resolve(temp.resolve("other").toString(), temp);

        assertNotEquals(address(IdentityKeyFile.in(data).loadOrCreate()),
                address(IdentityKeyFile.in(other).loadOrCreate()));
    }

    @Test
    void aSeedOfZeroBytesIsReportedAsDamagedAndLeftAlone() throws IOException {
        writeKeyFile(new byte[32]);

        assertUnusableAndUntouched("only zero bytes");
    }

    @Test
    void aShortKeyFileIsRejectedAndLeftAlone() throws IOException {
        writeKeyFile(new byte[31]);

        assertUnusableAndUntouched("31 bytes");
    }

    @Test
    void aLongKeyFileIsRejectedAndLeftAlone() throws IOException {
        writeKeyFile(new byte[64]);

        assertUnusableAndUntouched("64 bytes");
    }

    @Test
    void aBase64TextKeyFileIsRejectedAndLeftAlone() throws IOException {
        byte[] text = (Base64.getEncoder().encodeToString(new byte[32]) + "\n").getBytes(StandardCharsets.US_ASCII);
        writeKeyFile(text);

        assertUnusableAndUntouched("45 bytes");
    }

    @Test
    void anEmptyKeyFileIsRejectedNotReplaced() throws IOException {
        writeKeyFile(new byte[0]);

        assertUnusableAndUntouched("0 bytes");
    }

    @Test
    void aKeyFileReadableByOthersIsRefusedWithTheChmodThatFixesIt() throws IOException {
        IdentityKeyFile.in(data).loadOrCreate();
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-r--r--"));

        assertUnusableAndUntouched("chmod 600");
        assertEquals("rw-r--r--", permissions(keyFile), "the node does not fix permissions behind the operator's back");
    }

    @Test
    void aKeyFileReadableByTheGroupIsRefused() throws IOException {
        IdentityKeyFile.in(data).loadOrCreate();
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-r-----"));

        assertUnusableAndUntouched("chmod 600");
    }

    @Test
    void aDirectoryWhereTheKeyShouldBeIsAnError() throws IOException {
        Files.createDirectories(keyFile);

        NodeStartupException e = assertThrows(NodeStartupException.class, () -> IdentityKeyFile.in(data).loadOrCreate());

        assertTrue(e.getMessage().contains(keyFile.toString()), e.getMessage());
        assertTrue(Files.isDirectory(keyFile));
    }

    @Test
    void aDanglingSymbolicLinkIsNotReplacedByANewKey() throws IOException {
        Files.createDirectories(keyFile.getParent());
        Path target = temp.resolve("backup-disk/identity.ed25519");
        Files.createSymbolicLink(keyFile, target);

        NodeStartupException e = assertThrows(NodeStartupException.class, () -> IdentityKeyFile.in(data).loadOrCreate());

        assertTrue(e.getMessage().contains(keyFile.toString()), e.getMessage());
        assertTrue(Files.isSymbolicLink(keyFile));
        assertFalse(Files.exists(target), "no key was written through the link");
    }

    @Test
    void theErrorTellsHowToRecoverAndWhatANewKeyCosts() throws IOException {
        writeKeyFile(new byte[7]);

        NodeStartupException e = assertThrows(NodeStartupException.class, () -> IdentityKeyFile.in(data).loadOrCreate());

        assertTrue(e.getMessage().contains("untouched"), e.getMessage());
        assertTrue(e.getMessage().contains("backup"), e.getMessage());
        assertTrue(e.getMessage().contains("onion address"), e.getMessage());
    }

    @Test
    void aKeyFileThatAppearsAfterTheExistenceCheckIsLoadedNotReplaced() throws IOException {
        // Another node process (or a restore) wins the race: the file is there when the create path runs.
        byte[] theirSeed = Ed25519.generateKeyPair().seed();
        writeKeyFile(theirSeed);

        IdentityKeyFile.Loaded loaded = IdentityKeyFile.in(data).createOrLoadExisting();

        assertFalse(loaded.created());
        assertArrayEquals(Ed25519.publicKeyFromSeed(theirSeed), loaded.keyPair().publicKey());
        assertArrayEquals(theirSeed, Files.readAllBytes(keyFile), "the existing identity is not replaced");
        try (var entries = Files.list(keyFile.getParent())) {
            assertEquals(List.of(keyFile), entries.toList(), "no temporary file is left behind");
        }
    }

    @Test
    void twoNodesStartingTogetherOnOneDataDirectoryEndUpWithOneIdentity() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 20; round++) {
                DataDirectory shared = DataDirectory.resolve(temp.resolve("race" + round).toString(), temp);
                CountDownLatch start = new CountDownLatch(1);
                Callable<IdentityKeyFile.Loaded> node = () -> {
                    start.await();
                    return IdentityKeyFile.in(shared).loadOrCreate();
                };
                Future<IdentityKeyFile.Loaded> first = pool.submit(node);
                Future<IdentityKeyFile.Loaded> second = pool.submit(node);
                start.countDown();
                IdentityKeyFile.Loaded a = first.get(30, TimeUnit.SECONDS);
                IdentityKeyFile.Loaded b = second.get(30, TimeUnit.SECONDS);

                assertEquals(address(a), address(b), "round " + round);
                assertTrue(a.created() ^ b.created(), "exactly one of them created the key, round " + round);
                Path file = IdentityKeyFile.in(shared).path();
                assertArrayEquals(Ed25519.publicKeyFromSeed(Files.readAllBytes(file)), a.keyPair().publicKey());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private void assertUnusableAndUntouched(String reason) throws IOException {
        byte[] before = Files.readAllBytes(keyFile);
        String permissionsBefore = permissions(keyFile);

        NodeStartupException e = assertThrows(NodeStartupException.class, () -> IdentityKeyFile.in(data).loadOrCreate());

        assertTrue(e.getMessage().contains(keyFile.toString()), "names the file: " + e.getMessage());
        assertTrue(e.getMessage().contains(reason), "says why (" + reason + "): " + e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(keyFile), "the key file is left as it was");
        assertEquals(permissionsBefore, permissions(keyFile));
        try (var entries = Files.list(keyFile.getParent())) {
            assertEquals(List.of(keyFile), entries.toList(), "no new or temporary key was written beside it");
        }
    }

    private void writeKeyFile(byte[] content) throws IOException {
        Files.createDirectories(keyFile.getParent());
        Files.write(keyFile, content);
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
    }

    private static OnionAddress address(IdentityKeyFile.Loaded loaded) {
        return OnionAddress.fromPublicKey(loaded.keyPair().publicKey());
    }

    private static String permissions(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }
}
