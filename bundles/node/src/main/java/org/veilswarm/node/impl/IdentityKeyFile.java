package org.veilswarm.node.impl;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

import org.veilswarm.crypto.ConstantTime;
import org.veilswarm.crypto.Ed25519;
import org.veilswarm.crypto.Ed25519KeyPair;
import org.veilswarm.crypto.KeyFiles;

/**
 * The node's identity key on disk: {@code <data>/keys/identity.ed25519}, the raw 32-byte Ed25519 seed
 * (RFC 8032 §5.1.5 secret key), file 0600 in directory 0700, written and read through crypto's
 * {@link KeyFiles}.
 *
 * <p>The key <em>is</em> the node: its onion address is derived from it. So a key file that exists but cannot
 * be used (damaged, wrong length, readable by others, not a regular file) is never replaced by a new key;
 * loading fails with a message naming the file and the fix, and the file is left exactly as it was.
 */
public final class IdentityKeyFile {

    /** Directory (area) of the data directory that holds keys. */
    public static final String KEYS_AREA = "keys";
    /** File name of the node's identity seed. */
    public static final String FILE_NAME = "identity.ed25519";

    /** A loaded key and whether this start created it. */
    public record Loaded(Ed25519KeyPair keyPair, boolean created) {
        public Loaded {
            Objects.requireNonNull(keyPair, "keyPair");
        }
    }

    private final DataDirectory data;
    private final Path path;

    private IdentityKeyFile(DataDirectory data) {
        this.data = data;
        this.path = data.root().resolve(KEYS_AREA).resolve(FILE_NAME);
    }

    /** The identity key file of {@code data}; nothing is read or created yet. */
    public static IdentityKeyFile in(DataDirectory data) {
        return new IdentityKeyFile(Objects.requireNonNull(data, "data"));
    }

    public Path path() {
        return path;
    }

    /**
     * Loads the key, or creates one if no file exists at {@link #path()} (not even a broken link).
     *
     * @throws NodeStartupException naming the file and the fix if an existing file cannot be used or a new one
     *         cannot be written
     */
    public Loaded loadOrCreate() {
        if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return new Loaded(load(), false);
        }
        return createOrLoadExisting();
    }

    private Ed25519KeyPair load() {
        byte[] seed = null;
        try {
            seed = KeyFiles.readSecret(path, Ed25519.SEED_LENGTH);
            // Any 32 bytes are a valid seed, but 32 zero bytes are what a file truncated and zero-filled by a
            // crash looks like, not something a random generator produces.
            if (ConstantTime.isZero(seed)) {
                throw unusable("it holds only zero bytes: it is damaged", null);
            }
            return Ed25519.keyPairFromSeed(seed);
        } catch (IOException | UnsupportedOperationException e) {
            throw unusable(e.getMessage(), e);
        } finally {
            if (seed != null) {
                Arrays.fill(seed, (byte) 0);
            }
        }
    }

    /**
     * The create path of {@link #loadOrCreate()}, taken once it saw no file. A file can still appear before the new
     * key is published (a second node process on the same data directory, a backup being restored): that file is
     * the node's identity, so {@link KeyFiles#createSecret} refuses to replace it and this loads it instead.
     * Package-private so a test can take this path with the file already there.
     */
    Loaded createOrLoadExisting() {
        Ed25519KeyPair keyPair = Ed25519.generateKeyPair();
        byte[] seed = keyPair.seed();
        try {
            data.area(KEYS_AREA);
            KeyFiles.createSecret(path, seed);
            return new Loaded(keyPair, true);
        } catch (FileAlreadyExistsException e) {
            keyPair.destroy();
            return new Loaded(load(), false);
        } catch (IOException | UncheckedIOException | UnsupportedOperationException e) {
            keyPair.destroy();
            throw new NodeStartupException("cannot create the node identity key " + path + ": " + e.getMessage()
                    + ". Make the data directory writable by the user running the node, on a POSIX file system"
                    + " that supports hard links (the key must be readable by its owner only).", e);
        } finally {
            Arrays.fill(seed, (byte) 0);
        }
    }

    private NodeStartupException unusable(String reason, Throwable cause) {
        return new NodeStartupException("cannot use the node identity key " + path + ": " + reason
                + ". The node left the file untouched and will not start until it is fixed: fix that,"
                + " or restore the file from a backup. Only if the key is lost for good: move the file away and"
                + " restart to create a NEW identity; that changes the node's onion address, and links to this"
                + " node stop working.", cause);
    }
}
