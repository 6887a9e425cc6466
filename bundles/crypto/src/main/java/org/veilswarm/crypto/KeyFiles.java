package org.veilswarm.crypto;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Secret key files: raw bytes, readable by their owner only (0600) in an owner-only directory
 * (0700), replaced atomically ({@link #writeSecret}) or created without ever replacing an existing
 * file ({@link #createSecret}), so a crash never leaves a half-written key. POSIX file systems only:
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
     * Use {@link #createSecret} instead when an existing file must never be replaced.
     */
    public static void writeSecret(Path file, byte[] secret) throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(secret, "secret");
        Path target = file.toAbsolutePath();
        Path directory = target.getParent();
        Path temporary = writeTemporary(target, secret);
        try {
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
     * Creates {@code file} holding {@code secret}, written exactly as {@link #writeSecret} writes it
     * (0600 from creation, forced to disk, complete or absent after a crash), but never replacing
     * anything: the complete temporary file is published with a hard link, and link(2) fails if the
     * target exists (POSIX.1-2017 link(): EEXIST), even if it appeared after a caller checked.
     * rename(2) would silently replace such a file. An existing dangling symbolic link counts as
     * existing. A missing parent directory is created 0700.
     *
     * @throws FileAlreadyExistsException if {@code file} exists (it is left untouched, no temporary
     *         file is left behind); thrown for the target only, never for a parent directory
     * @throws IOException if the file system cannot make hard links or the file cannot be written
     */
    public static void createSecret(Path file, byte[] secret) throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(secret, "secret");
        Path target = file.toAbsolutePath();
        Path directory = target.getParent();
        Path temporary = writeTemporary(target, secret);
        try {
            Files.createLink(target, temporary);
        } catch (UnsupportedOperationException e) {
            throw new IOException("cannot create " + target + " without the risk of replacing another file:"
                    + " this file system does not support hard links", e);
        } finally {
            Files.deleteIfExists(temporary);
        }
        syncDirectory(directory);
    }

    /** A new 0600 file beside {@code target} holding {@code secret}, forced to disk. */
    private static Path writeTemporary(Path target, byte[] secret) throws IOException {
        requirePosix(target);
        Path directory = target.getParent();
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
            return temporary;
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temporary);
            throw e;
        }
    }

    /**
     * Reads a secret written by {@link #writeSecret} or {@link #createSecret}, refusing it unless it
     * is a regular file (not a symbolic link) of exactly {@code expectedLength} bytes with no
     * permissions for group or others. The link is not followed when the attributes are checked nor
     * when the file is opened, so the file checked is the file read.
     *
     * @throws NoSuchFileException if there is no file (not even a link) at {@code file}
     * @throws IOException with an explanation (and the chmod that fixes it) when refused
     */
    public static byte[] readSecret(Path file, int expectedLength) throws IOException {
        Objects.requireNonNull(file, "file");
        if (expectedLength < 0 || expectedLength > MAX_SECRET_LENGTH) {
            throw new IllegalArgumentException("expected secret length out of range: " + expectedLength);
        }
        requirePosix(file);
        PosixFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "secret key file does not exist");
        }
        if (attributes.isSymbolicLink()) {
            throw new IOException("refusing secret key file " + file + ": it is a symbolic link; a key file must be"
                    + " a regular file in place (copy the key there instead of linking to it)");
        }
        if (!attributes.isRegularFile()) {
            throw new IOException("secret key file " + file + " is not a regular file");
        }
        Set<PosixFilePermission> permissions = attributes.permissions();
        Set<PosixFilePermission> tooOpen = EnumSet.copyOf(GROUP_OR_OTHERS);
        tooOpen.retainAll(permissions);
        if (!tooOpen.isEmpty()) {
            throw new IOException("refusing secret key file " + file + ": its permissions are "
                    + PosixFilePermissions.toString(permissions) + " but it must be accessible by its owner only."
                    + " Fix it with: chmod 600 '" + file.toAbsolutePath() + "'");
        }
        if (attributes.size() != expectedLength) {
            throw new IOException("secret key file " + file + " has " + attributes.size() + " bytes, expected "
                    + expectedLength + ": it is damaged or not this kind of key");
        }
        // O_NOFOLLOW: if the checked file was swapped for a link since, opening fails instead of following it.
        try (SeekableByteChannel channel = Files.newByteChannel(file,
                Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS))) {
            // One byte more than expected shows a file that grew since its size was checked.
            ByteBuffer buffer = ByteBuffer.allocate(expectedLength + 1);
            while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
                // keep reading until full or end of file
            }
            byte[] secret = Arrays.copyOf(buffer.array(), buffer.position());
            Arrays.fill(buffer.array(), (byte) 0);
            if (secret.length != expectedLength) {
                Arrays.fill(secret, (byte) 0);
                throw new IOException("secret key file " + file + " changed while being read: "
                        + (secret.length > expectedLength ? "more than " + expectedLength : "only " + secret.length)
                        + " bytes were there, expected exactly " + expectedLength);
            }
            return secret;
        } catch (FileSystemException e) {
            // O_NOFOLLOW fails with ELOOP on a link; say what that means for a key file.
            if (Files.isSymbolicLink(file)) {
                throw new IOException("refusing secret key file " + file + ": it became a symbolic link while"
                        + " being read", e);
            }
            throw e;
        }
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
                // Not FileAlreadyExistsException: createSecret reserves that for the key file itself.
                throw new NotDirectoryException(directory.toString());
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
