package org.veilswarm.transport.onion.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
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

/** Per-share service keys on disk: same address after a "restart" (a new store over the same directory). */
class ServiceKeyStoreTest {
    @TempDir
    Path data;

    @Test
    void aKeyIsCreatedOnceAndReadBackWithTheSameAddressByANewStore() throws Exception {
        Path directory = data.resolve("keys/services");
        ServiceKey created = new ServiceKeyStore(directory).loadOrCreate("share-a");
        ServiceKey again = new ServiceKeyStore(directory).loadOrCreate("share-a");
        ServiceKey loaded = new ServiceKeyStore(directory).load("share-a");

        assertEquals(created.address(), again.address());
        assertEquals(created.address(), loaded.address());
        assertArrayEquals(created.expandedSecretKey(), loaded.expandedSecretKey());
        assertArrayEquals(created.address().publicKey(),
                Ed25519.publicKeyFromExpandedSecretKey(loaded.expandedSecretKey()), "the secret belongs to the address");
    }

    @Test
    void keyFilesAreOwnerOnlyRawSeedsInAnOwnerOnlyDirectory() throws Exception {
        Path directory = data.resolve("keys/services");
        new ServiceKeyStore(directory).loadOrCreate("share-a");
        Path file = directory.resolve("share-a.ed25519");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(directory)));
        assertEquals(Ed25519.SEED_LENGTH, Files.size(file));
        try (var left = Files.list(directory)) {
            assertEquals(List.of(file), left.toList(), "no temporary file is left behind");
        }
    }

    @Test
    void aShareGetsKIndependentKeysThatComeBackInOrder() throws Exception {
        ServiceKeyStore store = new ServiceKeyStore(data);
        List<ServiceKey> keys = store.loadOrCreateAll("movie", 2);
        Set<OnionAddress> addresses = keys.stream().map(ServiceKey::address).collect(Collectors.toSet());
        assertEquals(2, addresses.size(), "two services, two addresses");
        List<ServiceKey> reloaded = new ServiceKeyStore(data).loadOrCreateAll("movie", 2);
        assertEquals(keys.stream().map(ServiceKey::address).toList(), reloaded.stream().map(ServiceKey::address).toList());
        assertEquals(List.of("movie-0", "movie-1"), store.names());
        assertNotEquals(keys.get(0).address(), store.loadOrCreate("other").address());
    }

    @Test
    void aDeletedKeyIsGoneAndAMissingOneIsNotInvented() throws Exception {
        ServiceKeyStore store = new ServiceKeyStore(data);
        OnionAddress first = store.loadOrCreate("share-a").address();
        assertTrue(store.delete("share-a"));
        assertFalse(store.delete("share-a"));
        assertThrows(NoSuchFileException.class, () -> store.load("share-a"));
        assertNotEquals(first, store.loadOrCreate("share-a").address(), "a new key after deletion");
    }

    @Test
    void aKeyFileOthersCanReadIsRefusedWithTheFix() throws Exception {
        ServiceKeyStore store = new ServiceKeyStore(data);
        store.loadOrCreate("share-a");
        Files.setPosixFilePermissions(data.resolve("share-a.ed25519"), PosixFilePermissions.fromString("rw-r--r--"));
        IOException refused = assertThrows(IOException.class, () -> store.loadOrCreate("share-a"));
        assertTrue(refused.getMessage().contains("chmod 600"), refused.getMessage());
    }

    @Test
    void aDamagedKeyFileIsRefused() throws Exception {
        ServiceKeyStore store = new ServiceKeyStore(data);
        store.loadOrCreate("share-a");
        Files.write(data.resolve("share-a.ed25519"), new byte[7]);
        IOException refused = assertThrows(IOException.class, () -> store.load("share-a"));
        assertTrue(refused.getMessage().contains("7 bytes"), refused.getMessage());
    }

    @Test
    void namesThatCouldLeaveTheDirectoryAreRefused() {
        ServiceKeyStore store = new ServiceKeyStore(data);
        for (String bad : List.of("", "../x", "a/b", ".hidden", "a b", "x".repeat(101))) {
            assertThrows(IllegalArgumentException.class, () -> store.loadOrCreate(bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> store.loadOrCreateAll("movie", 0));
    }
}
