package org.veilswarm.node.impl;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.veilswarm.api.node.OnionAddress;
import org.veilswarm.api.node.ServiceKeys;
import org.veilswarm.api.transport.ServiceKey;
import org.veilswarm.crypto.Ed25519;
import org.veilswarm.crypto.KeyFiles;
import org.veilswarm.crypto.Randoms;

/**
 * Per-share onion service keys on disk (issue 5, K-way multiplexing; the node bundle owns {@code <data>/keys/}):
 * {@code <directory>/<share>/<i>.ed25519}, each the raw 32-byte Ed25519 seed like {@code keys/identity.ed25519},
 * file 0600 in 0700 directories, created atomically by {@link KeyFiles#createSecret} (a crash leaves a key complete
 * or absent; two callers creating the same key end up with one). The node keeps them in
 * {@code <data>/keys/shares/}.
 *
 * <p>The keys are <b>generated</b>, not derived from the node key: a derived key would be recoverable by anyone
 * holding the node key, would hand the node's identity to every transport that publishes a share (the tor
 * transport gives the key to a C tor process with {@code ADD_ONION}), and could not be replaced without changing
 * the derivation. Generated keys are independent: one leaked share key exposes that share only, and retiring a
 * share's addresses is deleting its directory. The price is that they must be kept (backed up with the data
 * directory), as OnionShare keeps the key of a persistent share.
 */
public final class ShareKeyStore implements ServiceKeys {
    /** Share names: letters, digits, '_' and '-' (a hex info-hash fits; no paths, no hidden files). */
    private static final Pattern SHARE = Pattern.compile("[A-Za-z0-9_-]{1,100}");
    static final String SUFFIX = ".ed25519";

    private final Path directory;

    public ShareKeyStore(Path directory) {
        this.directory = Objects.requireNonNull(directory, "directory").toAbsolutePath();
    }

    /** The directory holding one sub-directory per share. */
    public Path directory() {
        return directory;
    }

    @Override
    public synchronized List<ServiceKey> forShare(String share, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("a share needs at least one service key, got k = " + k);
        }
        Path dir = shareDirectory(share);
        List<ServiceKey> keys = new ArrayList<>(k);
        for (int i = 0; i < k; i++) {
            Path file = dir.resolve(i + SUFFIX);
            try {
                keys.add(loadOrCreate(file));
            } catch (IOException e) {
                throw new UncheckedIOException("service key " + i + " of share " + share + " (" + file + "): "
                        + e.getMessage(), e);
            }
        }
        return keys;
    }

    @Override
    public synchronized boolean deleteShare(String share) {
        Path dir = shareDirectory(share);
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the service keys of share " + share + " in " + dir + ": "
                    + e.getMessage(), e);
        }
    }

    /** The shares that have keys, sorted. */
    public List<String> shares() throws IOException {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(directory)) {
            return dirs.filter(Files::isDirectory).map(p -> p.getFileName().toString())
                    .filter(name -> SHARE.matcher(name).matches()).sorted().toList();
        }
    }

    private Path shareDirectory(String share) {
        Objects.requireNonNull(share, "share");
        if (!SHARE.matcher(share).matches()) {
            throw new IllegalArgumentException("a share name is 1-100 letters, digits, '_' or '-', got '" + share + "'");
        }
        return directory.resolve(share);
    }

    private static ServiceKey loadOrCreate(Path file) throws IOException {
        byte[] seed = Randoms.bytes(Ed25519.SEED_LENGTH);
        try {
            KeyFiles.createSecret(file, seed);
            return StoredKey.of(seed);
        } catch (FileAlreadyExistsException e) {
            // Made earlier (or just now by someone else): that one counts.
            Arrays.fill(seed, (byte) 0);
            seed = KeyFiles.readSecret(file, Ed25519.SEED_LENGTH);
            return StoredKey.of(seed);
        } finally {
            Arrays.fill(seed, (byte) 0);
        }
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
