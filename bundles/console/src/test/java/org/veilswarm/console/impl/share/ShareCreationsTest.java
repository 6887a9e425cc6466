package org.veilswarm.console.impl.share;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.veilswarm.api.tracker.Visibility;
import org.veilswarm.share.api.RevealReport;
import org.veilswarm.share.api.Share;
import org.veilswarm.share.api.ShareException;
import org.veilswarm.share.api.ShareOptions;
import org.veilswarm.share.api.ShareProgressListener;
import org.veilswarm.share.api.ShareState;
import org.veilswarm.share.api.Shares;

class ShareCreationsTest {

    /** Hashes in two steps, waiting between them until the test lets it go on. */
    private static final class SteppedShares implements Shares {
        final CountDownLatch halfway = new CountDownLatch(1);
        final CountDownLatch proceed = new CountDownLatch(1);

        @Override
        public Share create(Path path, ShareOptions options, ShareProgressListener listener) {
            if (path.toString().contains("missing")) {
                throw new ShareException(path + " does not exist");
            }
            listener.progress(50, 100);
            halfway.countDown();
            try {
                proceed.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            listener.progress(100, 100);
            return new Share("s1", "folder", path, 100, 2, Optional.empty(), Optional.empty(), Instant.EPOCH,
                    ShareState.SEEDING, Optional.empty(), 0, 0);
        }

        @Override
        public RevealReport preview(Path path) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<Share> list() {
            return List.of();
        }

        @Override
        public Optional<Share> get(String id) {
            return Optional.empty();
        }

        @Override
        public Share publish(String id, boolean revokePrivate) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Share revoke(String id, Visibility visibility) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean remove(String id) {
            return false;
        }
    }

    private static Map<String, Object> awaitEnd(ShareCreations creations, String id) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            Map<String, Object> json = creations.get(id).orElseThrow().json();
            if (!json.get("state").equals("HASHING")) {
                return json;
            }
            Thread.sleep(25);
        }
        throw new AssertionError("the creation never ended");
    }

    @Test
    void progressIsPollableWhileHashingAndTheShareAfterwards() throws InterruptedException {
        SteppedShares shares = new SteppedShares();
        try (ShareCreations creations = new ShareCreations()) {
            ShareCreations.Creation creation = creations.start(shares, Path.of("/tmp/folder"),
                    ShareOptions.defaults());
            String id = (String) creation.json().get("id");
            assertTrue(shares.halfway.await(10, TimeUnit.SECONDS));
            Map<String, Object> during = creations.get(id).orElseThrow().json();
            assertEquals("HASHING", during.get("state"));
            assertEquals(50L, during.get("hashedBytes"));
            assertEquals(100L, during.get("totalBytes"));
            shares.proceed.countDown();
            Map<String, Object> done = awaitEnd(creations, id);
            assertEquals("DONE", done.get("state"));
            assertEquals(100L, done.get("hashedBytes"));
            assertEquals("s1", ((Map<?, ?>) done.get("share")).get("id"));
            assertNull(done.get("error"));
        }
    }

    @Test
    void aFailedCreationKeepsItsReason() throws InterruptedException {
        try (ShareCreations creations = new ShareCreations()) {
            String id = (String) creations.start(new SteppedShares(), Path.of("/missing"), ShareOptions.defaults())
                    .json().get("id");
            Map<String, Object> end = awaitEnd(creations, id);
            assertEquals("FAILED", end.get("state"));
            assertEquals("/missing does not exist", end.get("error"));
        }
    }

    @Test
    void onlyTheNewestCreationsAreKept() {
        SteppedShares shares = new SteppedShares();
        shares.proceed.countDown();
        try (ShareCreations creations = new ShareCreations()) {
            String first = (String) creations.start(shares, Path.of("/missing/0"), ShareOptions.defaults())
                    .json().get("id");
            for (int i = 1; i <= ShareCreations.KEPT; i++) {
                creations.start(shares, Path.of("/missing/" + i), ShareOptions.defaults());
            }
            assertTrue(creations.get(first).isEmpty());
        }
    }
}
