package org.veilswarm.crypto;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Secret key files: raw bytes, readable by their owner only (0600) in an owner-only directory
 * (0700), replaced atomically so a crash never leaves a half-written key. POSIX file systems only:
 * elsewhere the permission bits this relies on do not exist, and the methods say so.
 */
public final class KeyFiles {
    private static final Set<PosixFilePermission> OWNER_READ_WRITE =
            EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    private static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = EnumSet.of(
            PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);
    private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);
    /** Largest secret this class reads; key files are tens of bytes. */
    private static final int MAX_SECRET_LENGTH = 64 * 1024;

    private KeyFiles() {
    }

    /**
     * Writes {@code secret} to {@code file}, replacing any previous file atomically: the bytes go to
     * a temporary file in the same directory that is 0600 from its creation, are forced to disk,
     * and the temporary file is renamed over the target; then the directory is synced so the rename
     * survives a crash. A missing parent directory is created 0700 (an existing one is left as is).
     */
    public static void writeSecret(Path file, byte[] secret) throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(secret, "secret");
        Path target = file.toAbsolutePath();
        Path directory = target.getParent();
        requirePosix(target);
        createOwnerOnlyDirectories(directory);
        FileAttribute<Set<PosixFilePermission>> ownerOnly = PosixFilePermissions.asFileAttribute(OWNER_READ_WRITE);
        Path temporary = Files.createTempFile(directory, "." + target.getFileName() + ".", ".tmp", ownerOnly);
        try {
            // The umask can only remove bits from 0600; set them exactly anyway.
            Files.setPosixFilePermissions(temporary, OWNER_READ_WRITE);
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                ByteBuffer data = ByteBuffer.wrap(secret);
                while (data.hasRemaining()) {
                    channel.write(data);
                }
                channel.force(true);
            }
            try {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot replace " + target + " atomically on this file system", e);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
        syncDirectory(directory);
    }

    /**
     * Reads a secret written by {@link #writeSecret}, refusing it unless it is a regular file of
     * exactly {@code expectedLength} bytes with no permissions for group or others.
     *
     * @throws IOException with an explanation (and the chmod that fixes it) when refused
     */
    public static byte[] readSecret(Path file, int expectedLength) throws IOException {
        Objects.requireNonNull(file, "file");
        if (expectedLength < 0 || expectedLength > MAX_SECRET_LENGTH) {
            throw new IllegalArgumentException("expected secret length out of range: " + expectedLength);
        }
        requirePosix(file);
        if (!Files.isRegularFile(file)) {
            throw Files.exists(file, LinkOption.NOFOLLOW_LINKS)
                    ? new IOException("secret key file " + file + " is not a regular file")
                    : new NoSuchFileException(file.toString(), null, "secret key file does not exist");
        }
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
        Set<PosixFilePermission> tooOpen = EnumSet.copyOf(GROUP_OR_OTHERS);
        tooOpen.retainAll(permissions);
        if (!tooOpen.isEmpty()) {
            throw new IOException("refusing secret key file " + file + ": its permissions are "
                    + PosixFilePermissions.toString(permissions) + " but it must be accessible by its owner only."
                    + " Fix it with: chmod 600 '" + file.toAbsolutePath() + "'");
        }
        long size = Files.size(file);
        if (size != expectedLength) {
            throw new IOException("secret key file " + file + " has " + size + " bytes, expected "
                    + expectedLength + ": it is damaged or not this kind of key");
        }
        byte[] secret = Files.readAllBytes(file);
        if (secret.length != expectedLength) {
            throw new IOException("secret key file " + file + " changed while being read");
        }
        return secret;
    }

    private static void createOwnerOnlyDirectories(Path directory) throws IOException {
        if (Files.isDirectory(directory)) {
            return;
        }
        Path parent = directory.getParent();
        if (parent != null) {
            createOwnerOnlyDirectories(parent);
        }
        try {
            Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIRECTORY));
            Files.setPosixFilePermissions(directory, OWNER_ONLY_DIRECTORY);
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(directory)) {
                throw e;
            }
            // Created concurrently by someone else: use it as it is.
        }
    }

    private static void syncDirectory(Path directory) throws IOException {
        // Linux lets a directory be opened for reading and fsync'd; this makes the rename durable.
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Some file systems refuse to open directories; the data itself is already on disk.
        }
    }

    private static void requirePosix(Path path) {
        if (!path.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            throw new UnsupportedOperationException("cannot protect " + path
                    + ": secret key files need a POSIX file system (owner-only permission bits)");
        }
    }
}
