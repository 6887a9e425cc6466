package org.veilswarm.share.impl;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Files holding share tokens (secrets): written to a temporary file created owner-only (0600) in the same
 * folder, forced to disk, then renamed over the target, so a reader sees the old or the new content, never a
 * part, and nobody else can read it at any time. Folders are made 0700.
 */
final class OwnerOnlyFiles {
    private OwnerOnlyFiles() {
    }

    static void createDirectory(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        try {
            Files.createDirectories(dir.getParent());
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (FileAlreadyExistsException e) {
            // made by someone else meanwhile
        } catch (UnsupportedOperationException e) {
            Files.createDirectories(dir); // not a POSIX file system
        }
    }

    static void write(Path target, byte[] content) throws IOException {
        createDirectory(target.getParent());
        Path tmp;
        try {
            tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
        }
        try {
            try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
                java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(content);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
