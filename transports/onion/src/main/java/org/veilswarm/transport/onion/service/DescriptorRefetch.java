package org.veilswarm.transport.onion.service;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.api.node.OnionAddress;
import org.veilswarm.transport.onion.hs.DecryptedDescriptor;
import org.veilswarm.transport.onion.hs.DescriptorException;
import org.veilswarm.transport.onion.hs.HsDescriptorReader;
import org.veilswarm.transport.onion.hs.HsDirClient;
import org.veilswarm.transport.onion.hs.HsDirConnector;
import org.veilswarm.transport.onion.hs.HsDirRing;
import org.veilswarm.transport.onion.hs.HsKeys;
import org.veilswarm.transport.onion.hs.IntroPoint;
import org.veilswarm.transport.onion.hs.TimePeriod;

/**
 * The client's second look at the HSDirs after every introduction point of a descriptor failed. rend-spec-v3
 * §3.2 leaves what follows to the client; C tor notes the failed intro points, drops its cached descriptor
 * and fetches it again from an HSDir it has not asked lately, because the usual cause is a copy from before
 * the service moved its intro points (it re-establishes them when a circuit closes and uploads a new
 * descriptor, §3.1, but an HSDir that missed that upload, or a fetch that raced it, still serves the old one).
 *
 * <p>Here the HSDirs of the fetch set are asked one at a time, in random order, until one holds a descriptor
 * that opens and names an introduction point (by its auth key) the client has not tried yet; copies naming only
 * tried points are passed over, so a stale copy at several HSDirs costs one request each, not the connection.
 * Nothing of the kind anywhere means the network has nothing newer: the service is withdrawn, or has not
 * uploaded its new intro points yet. This client keeps no descriptor cache (every connect fetches), so there is
 * nothing to drop first.
 */
final class DescriptorRefetch {
    private DescriptorRefetch() {
    }

    /** The auth keys of a descriptor's intro points, comparable in a set. */
    static Set<ByteBuffer> authKeys(DecryptedDescriptor descriptor) {
        Set<ByteBuffer> keys = new java.util.HashSet<>();
        for (IntroPoint point : descriptor.secondLayer().introPoints()) {
            keys.add(ByteBuffer.wrap(point.authKey()));
        }
        return keys;
    }

    /**
     * @param tried the auth keys of the intro points that failed
     * @return a descriptor naming at least one intro point not in {@code tried}, or empty when no HSDir of the
     *     fetch set has one (every copy is the same, none opens, or none answers)
     */
    static CompletableFuture<Optional<DecryptedDescriptor>> withOtherIntroPoints(
            HsDirConnector<RelayDescriptor> connector, Duration timeout, HsDirRing<RelayDescriptor> ring, OnionAddress address, TimePeriod period,
            byte[] clientSecretKey, Instant now, Random random, Set<ByteBuffer> tried) {
        Objects.requireNonNull(tried, "tried");
        byte[] blindedKey = HsKeys.blindedPublicKey(address.publicKey(), period);
        List<RelayDescriptor> candidates = new ArrayList<>(ring.fetchSet(blindedKey));
        Collections.shuffle(candidates, random);
        return ask(candidates, 0, connector, timeout, blindedKey, address, period, clientSecretKey, now, tried);
    }

    private static CompletableFuture<Optional<DecryptedDescriptor>> ask(List<RelayDescriptor> candidates, int index,
            HsDirConnector<RelayDescriptor> connector, Duration timeout, byte[] blindedKey, OnionAddress address,
            TimePeriod period, byte[] clientSecretKey, Instant now, Set<ByteBuffer> tried) {
        if (index == candidates.size()) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        return connector.openDirectoryStream(candidates.get(index))
                .thenCompose(channel -> HsDirClient.fetch(channel, blindedKey, timeout))
                .handle((document, error) -> {
                    if (error == null) {
                        try {
                            DecryptedDescriptor descriptor = HsDescriptorReader.open(document, address, period, now,
                                    clientSecretKey);
                            if (!tried.containsAll(authKeys(descriptor))) {
                                return CompletableFuture.completedFuture(Optional.of(descriptor));
                            }
                        } catch (DescriptorException | RuntimeException e) {
                            // A copy that does not open here: the next HSDir may have a good one.
                        }
                    }
                    return ask(candidates, index + 1, connector, timeout, blindedKey, address, period,
                            clientSecretKey, now, tried);
                })
                .thenCompose(next -> next);
    }
}
