package org.veilswarm.directory.http;

import java.util.Objects;
import java.util.concurrent.CompletionStage;

import org.veilswarm.api.directory.RelayRole;
import org.veilswarm.directory.core.DirectoryQueries;
import org.veilswarm.directory.core.FindRequest;

/** The merkle client's view of one directory server, over the directory HTTP protocol. */
public final class HttpDirectoryQueries implements DirectoryQueries {
    /** A header with 32 signatures is 3,258 bytes, an answer at most about 5 KiB. */
    public static final int MAX_RESPONSE_BYTES = 16 * 1024;

    private final DirectoryHttpClient client;

    public HttpDirectoryQueries(DirectoryHttpClient client) {
        this.client = Objects.requireNonNull(client, "client");
    }

    @Override
    public String name() {
        return client.name();
    }

    @Override
    public CompletionStage<byte[]> header() {
        return client.get(DirectoryPaths.MERKLE_HEADER).thenApply(DirectoryHttpClient.Response::body);
    }

    @Override
    public CompletionStage<byte[]> find(byte[] consensusId, RelayRole role, long x) {
        return client.post(DirectoryPaths.MERKLE_FIND, new FindRequest(consensusId, role, x).encode())
                .thenApply(DirectoryHttpClient.Response::body);
    }

}
