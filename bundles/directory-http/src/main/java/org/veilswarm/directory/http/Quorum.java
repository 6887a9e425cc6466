package org.veilswarm.directory.http;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.veilswarm.api.directory.DirectoryException;

/** Sends one request to several directory servers and completes once enough of them accepted it. */
public final class Quorum {
    private Quorum() {
    }

    /**
     * POSTs {@code body} to {@code path} on every client; completes when {@code needed} answered 200, fails
     * with {@link DirectoryException} (listing the refusals) as soon as that can no longer happen.
     */
    public static CompletableFuture<Void> post(List<DirectoryHttpClient> clients, String path, byte[] body,
            int needed) {
        CompletableFuture<Void> result = new CompletableFuture<>();
        if (needed > clients.size()) {
            result.completeExceptionally(new DirectoryException(needed + " acceptances needed, only "
                    + clients.size() + " servers"));
            return result;
        }
        AtomicInteger accepted = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        StringBuffer reasons = new StringBuffer();
        for (DirectoryHttpClient client : clients) {
            client.post(path, body).whenComplete((r, error) -> {
                if (error == null) {
                    if (accepted.incrementAndGet() == needed) {
                        result.complete(null);
                    }
                } else {
                    reasons.append("; ").append(client.name()).append(": ").append(error.getMessage());
                    if (clients.size() - refused.incrementAndGet() < needed) {
                        result.completeExceptionally(new DirectoryException("only " + accepted.get() + " of "
                                + clients.size() + " accepted, need " + needed + reasons));
                    }
                }
            });
        }
        if (needed <= 0) {
            result.complete(null);
        }
        return result;
    }
}
