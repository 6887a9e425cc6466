package org.veilswarm.directory.http;

import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * One directory request as a service sees it.
 *
 * @param method {@code GET} or {@code POST}
 * @param path the request target without query
 * @param body the request body (empty for GET)
 * @param acceptsGzip whether the client listed {@code gzip} in {@code Accept-Encoding}
 * @param source the IP address the request came from, when the stream has one (a TCP connection; a BEGIN_DIR
 *        stream has none: the relay never learns the client's address)
 */
public record DirectoryRequest(String method, String path, byte[] body, boolean acceptsGzip,
        Optional<InetAddress> source) {
    public DirectoryRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        body = body.clone();
        Objects.requireNonNull(source, "source");
    }

    /** A request whose source is unknown. */
    public DirectoryRequest(String method, String path, byte[] body, boolean acceptsGzip) {
        this(method, path, body, acceptsGzip, Optional.empty());
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
