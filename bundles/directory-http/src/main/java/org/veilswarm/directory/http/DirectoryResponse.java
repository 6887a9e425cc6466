package org.veilswarm.directory.http;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A directory service's answer.
 *
 * @param status HTTP status code
 * @param body the body, already gzip-compressed when {@code gzipped}
 * @param gzipped whether to send {@code Content-Encoding: gzip}
 */
public record DirectoryResponse(int status, byte[] body, boolean gzipped) {
    public static final String BINARY = "application/octet-stream";

    public DirectoryResponse {
        body = Objects.requireNonNull(body, "body").clone();
    }

    @Override
    public byte[] body() {
        return body.clone();
    }

    public static DirectoryResponse ok(byte[] body) {
        return new DirectoryResponse(200, body, false);
    }

    /** An answer with a one-line explanation as body, for 4xx/5xx statuses. */
    public static DirectoryResponse error(int status, String message) {
        return new DirectoryResponse(status, (message + "\n").getBytes(StandardCharsets.UTF_8), false);
    }
}
