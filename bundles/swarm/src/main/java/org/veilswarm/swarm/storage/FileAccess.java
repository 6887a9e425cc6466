package org.veilswarm.swarm.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Opens the files of a torrent. The default never follows a symbolic link in the last component
 * ({@link LinkOption#NOFOLLOW_LINKS}, O_NOFOLLOW on Linux); {@link PieceStore} checks the other
 * components itself. Tests inject implementations that fail like a full or read-only disk.
 */
@FunctionalInterface
public interface FileAccess {

    /** Opens {@code path} for reading and writing, creating it when missing. */
    StorageFile open(Path path) throws IOException;

    static FileAccess noFollow() {
        return path -> {
            FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE,
                    StandardOpenOption.CREATE, LinkOption.NOFOLLOW_LINKS);
            return new StorageFile() {
                @Override
                public int read(ByteBuffer dst, long position) throws IOException {
                    return channel.read(dst, position);
                }

                @Override
                public int write(ByteBuffer src, long position) throws IOException {
                    return channel.write(src, position);
                }

                @Override
                public long size() throws IOException {
                    return channel.size();
                }

                @Override
                public void force() throws IOException {
                    channel.force(false);
                }

                @Override
                public void close() throws IOException {
                    channel.close();
                }
            };
        };
    }
}
