package org.veilswarm.directory.http;

import java.util.Objects;

/**
 * One directory request as a service sees it.
 *
 * @param method {@code GET} or {@code POST}
 * @param path the request target without query
 * @param body the request body (empty for GET)
 * @param acceptsGzip whether the client listed {@code gzip} in {@code Accept-Encoding}
 */
public record DirectoryRequest(String method, String path, byte[] body, boolean acceptsGzip) {
    public DirectoryRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        body = body.clone();
    }

    @Override
    public byte[] body() {
        return body.clone();
    }

    public boolean isGet(String target) {
        return method.equals("GET") && path.equals(target);
    }

    public boolean isPost(String target) {
        return method.equals("POST") && path.equals(target);
    }
}
