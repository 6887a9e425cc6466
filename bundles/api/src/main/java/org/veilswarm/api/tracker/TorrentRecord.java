package org.veilswarm.api.tracker;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What a tracker knows about a torrent besides its peers: searchable metadata.
 *
 * @param infoHash the torrent
 * @param name the torrent's name
 * @param description free text
 * @param tags search tags
 * @param size total payload bytes
 * @param files file paths relative to the torrent root, '/'-separated
 * @param visibility private (default) or public
 * @param added when the record was created
 */
public record TorrentRecord(InfoHash infoHash, String name, String description, Set<String> tags, long size,
        List<String> files, Visibility visibility, Instant added) {
    public TorrentRecord {
        Objects.requireNonNull(infoHash, "infoHash");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        tags = Set.copyOf(tags);
        if (size < 0) {
            throw new IllegalArgumentException("size cannot be negative");
        }
        files = List.copyOf(files);
        Objects.requireNonNull(visibility, "visibility");
        Objects.requireNonNull(added, "added");
    }
}
