package org.veilswarm.metainfo;

import java.nio.file.Path;

/**
 * Hears about torrent creation. Called from the hashing threads, concurrently: implementations must be
 * thread-safe and quick.
 */
@FunctionalInterface
public interface HashingProgressListener {

    HashingProgressListener NONE = (done, total) -> { };

    /** {@code bytesHashed} of {@code totalBytes} are hashed; called at least once per MiB and at the end. */
    void progress(long bytesHashed, long totalBytes);

    /**
     * {@code path} is left out of the torrent (an empty directory, which BEP 52 cannot represent, or a
     * symbolic link or special file when {@link TorrentCreator#skipUnsupportedFiles} is set).
     */
    default void skipped(Path path, String reason) {
    }
}
