package org.veilswarm.share.api;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Downloads by share link. A download asks the source's tracker for peers, fetches the torrent's metadata from
 * them (BEP 9), downloads, and when complete seeds the torrent and tracks it under the same token (this node
 * then answers announces for it too), announcing itself to the source. Work runs in the background; the
 * methods return at once.
 */
@ProviderType
public interface Downloads {

    /**
     * Starts downloading the share of {@code link} into {@code directory} (created if missing). Adding a link
     * that is being downloaded returns that download.
     *
     * @throws ShareLinkException if {@code link} is not a share link
     * @throws ShareException if no bound transport reaches the link's host or the directory is unusable
     */
    Download add(String link, Path directory);

    /**
     * {@link #add(String, Path)} for a share with client authorization: {@code clientAuthKey} is the share's secret
     * x25519 key ({@link Share#clientAuthKey()}: 52 base32 characters, {@code descriptor:x25519:<key>} or a tor
     * {@code .auth_private} line), used for every onion service of the share; kept with the download (0600) so it
     * resumes after a restart. Adding a link that is being downloaded gives that download the key.
     *
     * @throws ShareLinkException if {@code link} is not a share link
     * @throws ShareException if the key is malformed (the message says why, never quoting it), no bound transport
     *         supports client authorization, or as {@link #add(String, Path)}
     * @since 1.2
     */
    Download add(String link, Path directory, String clientAuthKey);

    /** All downloads, oldest first. */
    List<Download> list();

    /** The download {@code id}, if any. */
    Optional<Download> get(String id);

    /** Pauses: drops connections, keeps verified pieces. @throws ShareException if there is no such download */
    Download pause(String id);

    /** Resumes a paused or failed download. @throws ShareException if there is no such download */
    Download resume(String id);

    /**
     * Stops and forgets a download.
     *
     * @param deleteFiles also delete the downloaded files
     * @return whether there was such a download
     */
    boolean remove(String id, boolean deleteFiles);
}
