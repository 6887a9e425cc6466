package org.veilswarm.node.impl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veilswarm.api.node.OnionAddress;
import org.veilswarm.api.transport.ServiceKey;
import org.veilswarm.crypto.Ed25519;

/** Per-share service keys on disk: same addresses after a "restart" (a new store over the same directory). */
class ShareKeyStoreTest {
    @TempDir
    Path data;

    private static List<OnionAddress> addresses(List<ServiceKey> keys) {
        return keys.stream().map(ServiceKey::address).toList();
    }

    @Test
    void aShareGetsKIndependentKeysThatANewStoreReadsBackInOrder() {
        Path dir = data.resolve("keys/shares");
        List<ServiceKey> keys = new ShareKeyStore(dir).forShare("movie", 2);
        Set<OnionAddress> distinct = keys.stream().map(ServiceKey::address).collect(Collectors.toSet());
        assertEquals(2, distinct.size(), "two services, two addresses");

        List<ServiceKey> reloaded = new ShareKeyStore(dir).forShare("movie", 2);
        assertEquals(addresses(keys), addresses(reloaded));
        assertArrayEquals(keys.get(1).expandedSecretKey(), reloaded.get(1).expandedSecretKey());
        assertArrayEquals(keys.get(0).address().publicKey(),
                Ed25519.publicKeyFromExpandedSecretKey(reloaded.get(0).expandedSecretKey()),
                "the secret belongs to the address");
        assertNotEquals(keys.get(0).address(), new ShareKeyStore(dir).forShare("other", 1).get(0).address());
    }

    @Test
    void growingKKeepsTheFirstKeysAndShrinkingItKeepsThePrefix() {
        ShareKeyStore store = new ShareKeyStore(data);
        List<OnionAddress> two = addresses(store.forShare("movie", 2));
        List<OnionAddress> three = addresses(store.forShare("movie", 3));
        assertEquals(two, three.subList(0, 2));
        assertEquals(three.subList(0, 1), addresses(store.forShare("movie", 1)));
    }

    @Test
    void keyFilesAreOwnerOnlyRawSeedsInOwnerOnlyDirectories() throws Exception {
        Path dir = data.resolve("keys/shares");
        new ShareKeyStore(dir).forShare("movie", 2);
        for (String name : List.of("0.ed25519", "1.ed25519")) {
            Path file = dir.resolve("movie").resolve(name);
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)), name);
            assertEquals(Ed25519.SEED_LENGTH, Files.size(file));
        }
        for (Path d : List.of(dir, dir.resolve("movie"))) {
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(d)), d.toString());
        }
        try (var left = Files.list(dir.resolve("movie"))) {
            assertEquals(2, left.count(), "no temporary file is left behind");
        }
    }

    @Test
    void deletingAShareRetiresItsAddressesForGood() throws Exception {
        ShareKeyStore store = new ShareKeyStore(data);
        List<OnionAddress> first = addresses(store.forShare("movie", 2));
        store.forShare("kept", 1);
        assertEquals(List.of("kept", "movie"), store.shares());

        assertTrue(store.deleteShare("movie"));
        assertFalse(store.deleteShare("movie"));
        assertEquals(List.of("kept"), store.shares());
        assertFalse(Files.exists(data.resolve("movie")));
        List<OnionAddress> again = addresses(store.forShare("movie", 2));
        assertTrue(again.stream().noneMatch(first::contains), "new keys after deletion: " + again + " vs " + first);
    }

    @Test
    void aKeyFileOthersCanReadIsRefusedWithTheFix() throws Exception {
        ShareKeyStore store = new ShareKeyStore(data);
        store.forShare("movie", 1);
        Files.setPosixFilePermissions(data.resolve("movie/0.ed25519"), PosixFilePermissions.fromString("rw-r--r--"));
        UncheckedIOException refused = assertThrows(UncheckedIOException.class, () -> store.forShare("movie", 1));
        assertTrue(refused.getMessage().contains("chmod 600"), refused.getMessage());
    }

    @Test
    void aDamagedKeyFileIsRefusedNotReplaced() throws Exception {
        ShareKeyStore store = new ShareKeyStore(data);
        store.forShare("movie", 1);
        Files.write(data.resolve("movie/0.ed25519"), new byte[7]);
        UncheckedIOException refused = assertThrows(UncheckedIOException.class, () -> store.forShare("movie", 1));
        assertTrue(refused.getMessage().contains("7 bytes"), refused.getMessage());
        assertEquals(7, Files.size(data.resolve("movie/0.ed25519")), "left as it was");
    }

    @Test
    void namesThatCouldLeaveTheDirectoryAndKBelowOneAreRefused() {
        ShareKeyStore store = new ShareKeyStore(data);
        for (String bad : List.of("", "..", "../x", "a/b", ".hidden", "a b", "x".repeat(101))) {
            assertThrows(IllegalArgumentException.class, () -> store.forShare(bad, 1), bad);
            assertThrows(IllegalArgumentException.class, () -> store.deleteShare(bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> store.forShare("movie", 0));
    }
}
