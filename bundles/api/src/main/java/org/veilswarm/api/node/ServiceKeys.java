package org.veilswarm.api.node;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;
import org.veilswarm.api.transport.ServiceKey;

/**
 * The node's per-share onion service keys (issue 5, K-way multiplexing): a share is published on K onion
 * services, each under a key of its own, so a downloader can open K streams over independent circuits.
 *
 * <p>Registered by the node bundle, which owns {@code <data>/keys/}: the keys are <b>generated</b> (not derived
 * from the node key), kept as raw Ed25519 seeds in {@code <data>/keys/shares/<share>/<i>.ed25519}, files 0600 in
 * 0700 directories, created atomically, so a share comes back under the same addresses after a restart and
 * deleting a share's keys retires its addresses for good. Transports only ever see {@link ServiceKey} objects.
 */
@ProviderType
public interface ServiceKeys {

    /**
     * The first {@code k} service keys of {@code share}, in a stable order: those on disk are read, missing ones
     * are generated and saved first.
     *
     * @param share a share id: 1-100 letters, digits, '_' or '-' (a share's info-hash in hex, for example)
     * @param k how many services the share is published on, at least 1
     * @throws IllegalArgumentException if {@code share} is not a plain name or {@code k < 1}
     * @throws java.io.UncheckedIOException if a key cannot be saved, or a file on disk is refused (readable by
     *         others, wrong length, a link): the message names the file and the fix
     */
    List<ServiceKey> forShare(String share, int k);

    /**
     * Deletes every service key of {@code share}: its addresses are gone for good.
     *
     * @return whether the share had keys
     * @throws java.io.UncheckedIOException if a key file cannot be deleted
     */
    boolean deleteShare(String share);
}
