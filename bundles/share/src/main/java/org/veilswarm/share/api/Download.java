package org.veilswarm.share.api;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A download by share link and how it is doing.
 *
 * @param id stable identifier (16 hexadecimal digits derived from the link by a one-way hash; the token stays secret)
 * @param link the link it was added with
 * @param directory where the files go
 * @param name the torrent's name, once its metadata is known
 * @param infoHash the torrent's BEP 52 info hash (64 hex digits), once known
 * @param state see {@link DownloadState}
 * @param totalBytes size of the torrent, 0 until the metadata is known
 * @param completedBytes verified bytes on disk
 * @param downloadRate bytes per second, recent average
 * @param uploadRate bytes per second, recent average
 * @param peers peers connected now
 * @param eta time left at the current rate; empty when not downloading or the rate is 0
 * @param error why it failed, when {@link DownloadState#FAILED}
 */
public record Download(String id, ShareLink link, Path directory, Optional<String> name, Optional<String> infoHash,
        DownloadState state, long totalBytes, long completedBytes, long downloadRate, long uploadRate, int peers,
        Optional<Duration> eta, Optional<String> error) {
    public Download {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(link, "link");
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(infoHash, "infoHash");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(eta, "eta");
        Objects.requireNonNull(error, "error");
    }

    /** Fraction done, 0 to 1 (0 while the size is unknown). */
    public double progress() {
        return totalBytes == 0 ? 0 : (double) completedBytes / totalBytes;
    }
}
