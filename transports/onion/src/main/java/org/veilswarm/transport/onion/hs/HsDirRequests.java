package org.veilswarm.transport.onion.hs;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.veilswarm.api.node.OnionAddress;

/**
 * Publishing to and fetching from the HSDirs of a hash ring (rend-spec-v3 §2.2.3, §2.2.6): a service uploads
 * to every relay of the store set, each over its own stream; a client tries the fetch set in random order
 * until one answers with a descriptor that opens for the address, so a missing, stale or forged copy at one
 * HSDir costs only a retry. A descriptor that verifies but is closed to this client (client authorization,
 * §2.5.1.2) ends the fetch: it is the service's own choice, and every HSDir holds the same.
 *
 * @param <T> the relay type of the ring
 */
public final class HsDirRequests<T> {
    private final HsDirConnector<T> connector;
    private final Duration timeout;

    public HsDirRequests(HsDirConnector<T> connector, Duration timeout) {
        this.connector = Objects.requireNonNull(connector, "connector");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    /**
     * Uploads {@code descriptor} to every HSDir of the store set for its blinded key. Completes when all have
     * answered, with each HSDir's outcome: {@code null} for stored, else the failure.
     */
    public CompletableFuture<Map<T, Throwable>> publish(HsDirRing<T> ring, HsDescriptor descriptor) {
        Map<T, Throwable> outcomes = Collections.synchronizedMap(new LinkedHashMap<>());
        List<CompletableFuture<Void>> uploads = new ArrayList<>();
        byte[] document = descriptor.encoded();
        for (T hsdir : ring.storeSet(descriptor.blindedKey())) {
            uploads.add(connector.openDirectoryStream(hsdir)
                    .thenCompose(channel -> HsDirClient.publish(channel, document, timeout))
                    .handle((ok, error) -> {
                        outcomes.put(hsdir, error == null ? null : unwrap(error));
                        return null;
                    }));
        }
        return CompletableFuture.allOf(uploads.toArray(CompletableFuture[]::new)).thenApply(done -> outcomes);
    }

    /**
     * Fetches and opens the descriptor of {@code address} for {@code period}: HSDirs of the fetch set in
     * random order, one at a time. Fails with the last HSDir's error when none gives a descriptor that opens.
     *
     * @param clientSecretKey the client's X25519 authorization key, or {@code null}
     */
    public CompletableFuture<DecryptedDescriptor> fetch(HsDirRing<T> ring, OnionAddress address, TimePeriod period,
            byte[] clientSecretKey, Instant now, Random random) {
        byte[] blindedKey = HsKeys.blindedPublicKey(address.publicKey(), period);
        List<T> candidates = new ArrayList<>(ring.fetchSet(blindedKey));
        Collections.shuffle(candidates, random);
        return tryNext(candidates, 0, blindedKey, address, period, clientSecretKey, now,
                new HsDirException(404, "no HSDir on the ring for " + address));
    }

    private CompletableFuture<DecryptedDescriptor> tryNext(List<T> candidates, int index, byte[] blindedKey,
            OnionAddress address, TimePeriod period, byte[] clientSecretKey, Instant now, Throwable last) {
        if (index == candidates.size()) {
            return CompletableFuture.failedFuture(last);
        }
        return connector.openDirectoryStream(candidates.get(index))
                .thenCompose(channel -> HsDirClient.fetch(channel, blindedKey, timeout))
                .thenApply(document -> {
                    try {
                        return HsDescriptorReader.open(document, address, period, now, clientSecretKey);
                    } catch (DescriptorException e) {
                        throw new CompletionException(e);
                    }
                })
                .handle((descriptor, error) -> error == null ? CompletableFuture.completedFuture(descriptor)
                        : unwrap(error) instanceof DescriptorException e && e.reason() == DescriptorException.Reason.NOT_AUTHORIZED
                        // Signed by the service itself and closed to this client: another copy would be too.
                        ? CompletableFuture.<DecryptedDescriptor>failedFuture(e)
                        : tryNext(candidates, index + 1, blindedKey, address, period, clientSecretKey, now, unwrap(error)))
                .thenCompose(next -> next);
    }

    private static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }
}
