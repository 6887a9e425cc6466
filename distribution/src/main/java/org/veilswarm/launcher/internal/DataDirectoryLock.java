package org.veilswarm.launcher.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.veilswarm.launcher.VeilswarmLaunchException;

/**
 * An exclusive lock on {@code <data>/launcher.lock} for as long as a node runs: two nodes on one data
 * directory would share an identity, a framework cache and a console file, and corrupt all three.
 * The operating system releases the lock when the process dies, so a killed node never leaves it behind.
 */
public final class DataDirectoryLock implements AutoCloseable {

    public static final String NAME = "launcher.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private DataDirectoryLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    public static DataDirectoryLock acquire(Path dataDirectory) {
        Path file = dataDirectory.resolve(NAME);
        FileChannel channel = null;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw inUse(dataDirectory, null);
            }
            channel.truncate(0);
            channel.write(StandardCharsets.US_ASCII.encode(ProcessHandle.current().pid() + "\n"));
            return new DataDirectoryLock(channel, lock);
        } catch (OverlappingFileLockException e) {
            close(channel);
            throw inUse(dataDirectory, e);
        } catch (IOException e) {
            close(channel);
            throw new VeilswarmLaunchException("Cannot lock the data directory " + dataDirectory + ": " + e.getMessage(), e);
        } catch (VeilswarmLaunchException e) {
            close(channel);
            throw e;
        }
    }

    private static VeilswarmLaunchException inUse(Path dataDirectory, Throwable cause) {
        return new VeilswarmLaunchException("The data directory " + dataDirectory + " is in use by another running"
                + " Veilswarm node" + (cause != null ? " in this JVM" : "") + ". Stop that node, or give this one its own"
                + " data directory (--data DIR, data.dir in etc/veilswarm.properties, or dataDirectory(Path)).", cause);
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException e) {
            // The channel close below releases it as well.
        }
        close(channel);
    }

    private static void close(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // Nothing left to release.
            }
        }
    }
}
