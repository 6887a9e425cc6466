package org.veilswarm.share.api;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The files and folders this node shares. A share is seeded by the swarm engine and tracked by this node's
 * tracker under a secret token; its link, {@code http://<address>.onion:<port>/private/<token>}, is all another
 * node needs to download it. Shares are kept in the data directory and come back after a restart with the same
 * links. Ids are the torrents' info hashes ({@link Share#id()}).
 */
@ProviderType
public interface Shares {

    /**
     * What sharing {@code path} would reveal: file and folder names, names that look like user names, metadata
     * embedded in files (EXIF, PDF, Office). Reads at most a bounded prefix of each file. The caller decides
     * whether to proceed.
     *
     * @throws ShareException if {@code path} does not exist or cannot be read
     */
    RevealReport preview(Path path);

    /**
     * Shares {@code path}: hashes it (BEP 52, reporting progress to {@code listener}, which may cancel), seeds
     * it, registers it with the tracker and returns the share with its link. Blocks while hashing; call it from
     * a worker thread. Sharing a path whose content is shared already returns that share.
     *
     * @throws ShareException if the path cannot be shared (missing, empty, unreadable, no tracker bound)
     * @throws java.util.concurrent.CancellationException if the listener cancelled
     */
    Share create(Path path, ShareOptions options, ShareProgressListener listener);

    /** All shares, oldest first. */
    List<Share> list();

    /** The share {@code id}, if any. */
    Optional<Share> get(String id);

    /**
     * Makes a share public: a new {@code /public/<token>} link (a new token, so the public link tells nothing of
     * the private one). Publishing a public share returns it unchanged.
     *
     * @param revokePrivate also stop serving the private link
     * @throws ShareException if there is no such share
     */
    Share publish(String id, boolean revokePrivate);

    /**
     * Stops serving the share's link of {@code visibility} (its tracker answers 404 from now on); the share is
     * still seeded for peers already known and keeps its other link, if any.
     *
     * @throws ShareException if there is no such share
     */
    Share revoke(String id, org.veilswarm.api.tracker.Visibility visibility);

    /**
     * Stops sharing: revokes every link, stops seeding, forgets the share. The files are left alone.
     *
     * @return whether there was such a share
     */
    boolean remove(String id);
}
