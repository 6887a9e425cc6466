package org.veilswarm.share.api;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A file or folder this node shares.
 *
 * @param id stable identifier: the torrent's BEP 52 info hash (SHA-256, 64 lower-case hex digits)
 * @param name the torrent's name (the file or folder name)
 * @param path the shared file or folder on this machine
 * @param totalBytes the sum of the file sizes
 * @param fileCount number of files
 * @param privateLink the private link, empty once revoked
 * @param publicLink the public link, once published and until revoked
 * @param created when the share was created
 * @param state see {@link ShareState}
 * @param error why it failed, when {@link ShareState#FAILED}
 * @param uploadedBytes bytes uploaded to peers since this node started
 * @param peers peers connected now
 * @param clientAuthKey for a share with client authorization ({@link ShareOptions#clientAuth()}), the secret x25519
 *        key a downloader needs besides the link (52 base32 characters, OnionShare's "private key"; see
 *        {@code org.veilswarm.api.transport.ClientAuthSecretKey}); empty for other shares. Since 1.2.
 */
public record Share(String id, String name, Path path, long totalBytes, int fileCount, Optional<ShareLink> privateLink,
        Optional<ShareLink> publicLink, Instant created, ShareState state, Optional<String> error, long uploadedBytes,
        int peers, Optional<String> clientAuthKey) {

    /** Without client authorization. */
    public Share(String id, String name, Path path, long totalBytes, int fileCount, Optional<ShareLink> privateLink,
            Optional<ShareLink> publicLink, Instant created, ShareState state, Optional<String> error,
            long uploadedBytes, int peers) {
        this(id, name, path, totalBytes, fileCount, privateLink, publicLink, created, state, error, uploadedBytes, peers,
                Optional.empty());
    }

    public Share {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(privateLink, "privateLink");
        Objects.requireNonNull(publicLink, "publicLink");
        Objects.requireNonNull(created, "created");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(error, "error");
        Objects.requireNonNull(clientAuthKey, "clientAuthKey");
    }

    /** The link to hand out: the public one when published, otherwise the private one. */
    public Optional<ShareLink> link() {
        return publicLink.isPresent() ? publicLink : privateLink;
    }
}
