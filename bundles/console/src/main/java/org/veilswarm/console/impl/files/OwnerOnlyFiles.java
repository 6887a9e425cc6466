package org.veilswarm.console.impl.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;

/**
 * Secrets on disk: owner-only from the first byte, replaced atomically.
 *
 * <p>The file is never created with default permissions and tightened afterwards (a reader could open it in
 * between): the temporary file is created with mode 0600 as a creation attribute, written, forced to disk
 * and renamed over the target, so a reader sees either the old or the new content, never half of it.
 */
public final class OwnerOnlyFiles {

    private static final Set<PosixFilePermission> OWNER_READ_WRITE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_ALL = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);
    private static final SecureRandom RANDOM = new SecureRandom();

    private OwnerOnlyFiles() {
    }

    /** Writes {@code content} to {@code target} atomically, mode 0600, creating missing directories 0700. */
    public static void write(Path target, byte[] content) throws IOException {
        Path file = target.toAbsolutePath();
        Path dir = file.getParent();
        createDirectories(dir);
        byte[] suffix = new byte[6];
        RANDOM.nextBytes(suffix);
        Path tmp = dir.resolve("." + file.getFileName() + "." + HexFormat.of().formatHex(suffix) + ".tmp");
        try {
            if (isPosix(dir)) {
                Files.createFile(tmp, PosixFilePermissions.asFileAttribute(OWNER_READ_WRITE));
            } else {
                Files.createFile(tmp);
            }
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Creates {@code dir} and its missing parents with mode 0700 (existing directories are left alone). */
    public static void createDirectories(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        Path parent = dir.toAbsolutePath().getParent();
        if (parent != null) {
            createDirectories(parent);
        }
        try {
            if (isPosix(parent == null ? dir : parent)) {
                FileAttribute<Set<PosixFilePermission>> mode = PosixFilePermissions.asFileAttribute(OWNER_ALL);
                Files.createDirectory(dir, mode);
            } else {
                Files.createDirectory(dir);
            }
        } catch (FileAlreadyExistsException raced) {
            if (!Files.isDirectory(dir)) {
                throw raced;
            }
        }
    }

    /**
     * The file's permissions in {@code ls -l} form if group or others have any access to it, empty if only the
     * owner has (or if the file system has no POSIX permissions to check).
     */
    public static Optional<String> accessBeyondOwner(Path file) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class,
                LinkOption.NOFOLLOW_LINKS);
        if (view == null) {
            return Optional.empty();
        }
        Set<PosixFilePermission> permissions = view.readAttributes().permissions();
        for (PosixFilePermission p : permissions) {
            if (GROUP_OR_OTHERS.contains(p)) {
                return Optional.of(PosixFilePermissions.toString(permissions));
            }
        }
        return Optional.empty();
    }

    private static boolean isPosix(Path existing) {
        return existing.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
