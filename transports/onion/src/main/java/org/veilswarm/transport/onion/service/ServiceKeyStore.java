package org.veilswarm.transport.onion.service;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.veilswarm.api.node.OnionAddress;
import org.veilswarm.api.transport.ServiceKey;
import org.veilswarm.crypto.Ed25519;
import org.veilswarm.crypto.KeyFiles;
import org.veilswarm.crypto.Randoms;

/**
 * Per-share onion-service keys on disk, so that a share comes back under the same addresses after a
 * restart (issue #5, lifecycle). One file per key, {@code <directory>/<name>.ed25519}, holding the raw
 * 32-byte Ed25519 seed like the node's {@code keys/identity.ed25519}; owner-only (0600 in a 0700
 * directory) and created atomically by {@link KeyFiles#createSecret}, so a crash leaves a key complete or
 * absent and two processes creating the same name end up with one key. The node keeps them in
 * {@code <data>/keys/services/}.
 *
 * <p>The keys are <b>generated</b>, not derived from the node key: a derived key (say HKDF of the node
 * seed and the share name) would be recoverable by anyone holding the node key, would hand the node's
 * identity to every transport that publishes a share (the tor transport gives the key to a C tor process
 * with {@code ADD_ONION}), and could not be replaced without changing the derivation. Generated keys are
 * independent: one leaked share key exposes that share only, and withdrawing a share for good is deleting
 * its files. The price is that they must be kept (backed up with the data directory), as OnionShare keeps
 * the key of a persistent share.
 */
public final class ServiceKeyStore {
    /** Key file names: letters, digits, '.', '_' and '-', not starting with '.' (no paths, no hidden files). */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}");
    static final String SUFFIX = ".ed25519";

    private final Path directory;

    public ServiceKeyStore(Path directory) {
        this.directory = Objects.requireNonNull(directory, "directory").toAbsolutePath();
    }

    /** The directory of the key files. */
    public Path directory() {
        return directory;
    }

    /**
     * The key called {@code name}: read from its file, or generated and written if there is none.
     *
     * @throws IOException if the file cannot be written, or exists but is refused (group/other permissions,
     *     a symbolic link, a wrong length: {@link KeyFiles#readSecret} says which and how to fix it)
     */
    public ServiceKey loadOrCreate(String name) throws IOException {
        Path file = file(name);
        byte[] seed = Randoms.bytes(Ed25519.SEED_LENGTH);
        try {
            KeyFiles.createSecret(file, seed);
            return StoredKey.of(seed);
        } catch (FileAlreadyExistsException e) {
            return load(name); // made earlier (or just now by someone else): that one counts
        } finally {
            Arrays.fill(seed, (byte) 0);
        }
    }

    /**
     * The keys of one share published on {@code k} services (K-way multiplexing): {@code <share>-0} to
     * {@code <share>-(k-1)}, each loaded or created.
     */
    public List<ServiceKey> loadOrCreateAll(String share, int k) throws IOException {
        if (k < 1) {
            throw new IllegalArgumentException("a share needs at least one service key, got k = " + k);
        }
        List<ServiceKey> keys = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            keys.add(loadOrCreate(share + "-" + i));
        }
        return keys;
    }

    /**
     * The existing key called {@code name}.
     *
     * @throws NoSuchFileException if there is none
     */
    public ServiceKey load(String name) throws IOException {
        byte[] seed = KeyFiles.readSecret(file(name), Ed25519.SEED_LENGTH);
        try {
            return StoredKey.of(seed);
        } finally {
            Arrays.fill(seed, (byte) 0);
        }
    }

    /** Deletes the key called {@code name}: its address is gone for good. Returns whether there was one. */
    public boolean delete(String name) throws IOException {
        return Files.deleteIfExists(file(name));
    }

    /** The names of the keys stored, sorted. */
    public List<String> names() throws IOException {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(path -> path.getFileName().toString())
                    .filter(file -> file.endsWith(SUFFIX) && !file.startsWith("."))
                    .map(file -> file.substring(0, file.length() - SUFFIX.length()))
                    .filter(name -> NAME.matcher(name).matches())
                    .sorted().toList();
        }
    }

    Path file(String name) {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a service key name is 1-100 letters, digits, '.', '_' or '-' and "
                    + "does not start with '.', got '" + name + "'");
        }
        return directory.resolve(name + SUFFIX);
    }

    /** A key held in memory as its seed; hands out copies of the expanded secret key. */
    private static final class StoredKey implements ServiceKey {
        private final byte[] seed;
        private final OnionAddress address;

        private StoredKey(byte[] seed, OnionAddress address) {
            this.seed = seed;
            this.address = address;
        }

        static StoredKey of(byte[] seed) {
            return new StoredKey(seed.clone(), OnionAddress.fromPublicKey(Ed25519.publicKeyFromSeed(seed)));
        }

        @Override
        public OnionAddress address() {
            return address;
        }

        @Override
        public byte[] expandedSecretKey() {
            return Ed25519.expandSecretKey(seed);
        }

        @Override
        public String toString() {
            return "ServiceKey[" + address + "]";
        }
    }
}
