package org.veilswarm.console.impl.share;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicLong;

import org.veilswarm.share.api.Share;
import org.veilswarm.share.api.ShareOptions;
import org.veilswarm.share.api.ShareProgressListener;
import org.veilswarm.share.api.Shares;

/**
 * Share creations running in the background, so that hashing a large folder does not hold an HTTP request
 * open: {@code POST /api/shares} starts one and answers 202; the client polls its progress. Finished ones are
 * kept (newest {@value #KEPT}) so a poll after the end still sees the share or the error.
 */
public final class ShareCreations implements AutoCloseable {

    static final int KEPT = 32;

    /** One creation and how far it is. */
    public static final class Creation implements ShareProgressListener {
        final String id;
        final Path path;
        final AtomicLong hashed = new AtomicLong();
        final AtomicLong total = new AtomicLong();
        volatile Share share;
        volatile String error;
        volatile boolean cancelled;

        Creation(String id, Path path) {
            this.id = id;
            this.path = path;
        }

        @Override
        public void progress(long hashedBytes, long totalBytes) {
            hashed.set(hashedBytes);
            total.set(totalBytes);
        }

        @Override
        public boolean cancelled() {
            return cancelled;
        }

        public Map<String, Object> json() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("id", id);
            json.put("path", path.toString());
            json.put("state", share != null ? "DONE" : error != null ? "FAILED" : "HASHING");
            json.put("hashedBytes", hashed.get());
            json.put("totalBytes", total.get());
            json.put("share", share == null ? null : ShareJson.share(share));
            json.put("error", error);
            return json;
        }
    }

    private final Map<String, Creation> creations = new ConcurrentHashMap<>();
    private final List<String> order = new ArrayList<>();
    private final SecureRandom random = new SecureRandom();
    private final ExecutorService workers = org.veilswarm.console.impl.IdleWorkers.named(
            "veilswarm-console-share-create", 2);

    public Creation start(Shares shares, Path path, ShareOptions options) {
        byte[] bytes = new byte[12];
        random.nextBytes(bytes);
        Creation creation = new Creation(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes), path);
        synchronized (order) {
            order.add(creation.id);
            creations.put(creation.id, creation);
            while (order.size() > KEPT) {
                creations.remove(order.remove(0));
            }
        }
        workers.execute(() -> {
            try {
                creation.share = shares.create(path, options, creation);
            } catch (RuntimeException e) {
                creation.error = e.getMessage() == null ? e.toString() : e.getMessage();
            }
        });
        return creation;
    }

    public Optional<Creation> get(String id) {
        return Optional.ofNullable(creations.get(id));
    }

    @Override
    public void close() {
        creations.values().forEach(c -> c.cancelled = true);
        workers.shutdownNow();
    }
}
