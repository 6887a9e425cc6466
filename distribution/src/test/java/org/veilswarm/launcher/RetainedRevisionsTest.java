package org.veilswarm.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** The explainer names a kept loader and the chain from a thread to it, through the JDK's own classes. */
class RetainedRevisionsTest {

    /** Stands for a bundle revision's class loader. */
    private static final class RevisionLoader extends ClassLoader {
    }

    @Test
    void aLoaderKeptByAPendingTimeoutIsNamedWithItsChain() {
        RevisionLoader kept = new RevisionLoader();
        RevisionLoader current = new RevisionLoader();
        RetainedRevisions revisions = new RetainedRevisions();
        revisions.remember("example before update 1", kept);
        revisions.remember("example before update 2", current);
        // Session 19's case: a future that never completes, kept by the JDK's timeout thread with its stages.
        CompletableFuture<Object> pending = new CompletableFuture<>();
        pending.orTimeout(1, TimeUnit.HOURS).thenApply(x -> kept);
        try {
            String explanation = revisions.explain(List.of(current));
            assertTrue(explanation.contains("retired revisions alive: [example before update 1]"), explanation);
            assertTrue(explanation.contains("held through thread \"CompletableFutureDelayScheduler\": "
                    + RevisionLoader.class.getName() + " of example before update 1 <- "), explanation);
            assertTrue(explanation.contains("ScheduledThreadPoolExecutor"), explanation);
        } finally {
            pending.complete(null); // cancels the timeout
        }
    }

    @Test
    void nothingIsNamedWhenEveryRememberedLoaderIsCurrent() {
        RevisionLoader current = new RevisionLoader();
        RetainedRevisions revisions = new RetainedRevisions();
        revisions.remember("example before update 1", current);
        assertEquals("\nretired revisions alive: []", revisions.explain(List.of(current)));
    }
}
