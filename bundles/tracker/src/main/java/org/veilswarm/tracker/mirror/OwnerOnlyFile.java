package org.veilswarm.tracker.mirror;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes a file that may hold share tokens or a private share's torrents: owner-only (0600, its directory
 * created 0700) and atomically (a temporary file, flushed to disk, renamed over the old one), so a crash leaves
 * either the old content or the new one.
 */
public final class OwnerOnlyFile {
    private OwnerOnlyFile() {
    }

    /**
     * Creates {@code dir} (and parents) if it does not exist yet, and makes it owner-only (0700) — also when it
     * existed already, for example created by hand or by an older version with the default mode.
     */
    public static void createDirectories(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
        }
        if (Files.getFileStore(dir).supportsFileAttributeView("posix") && !Files.isSymbolicLink(dir)) {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        }
    }

    public static void write(Path file, byte[] bytes) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        createDirectories(dir);
        Path temp = dir.resolve(file.getFileName() + ".tmp");
        Files.deleteIfExists(temp);
        boolean posix = Files.getFileStore(dir).supportsFileAttributeView("posix");
        if (posix) {
            Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        Files.write(temp, bytes);
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
        }
        if (posix && !Files.isSymbolicLink(file)) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        }
        syncDirectory(dir);
    }

    /**
     * Flushes the directory entry of the rename: without it, a crash soon after can leave the old file (or
     * none) although the new content was flushed (POSIX fsync(2) on a directory). Platforms that cannot open a
     * directory for this (Windows) keep what the rename gave.
     */
    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // not supported here; the file itself is flushed
        }
    }
}
