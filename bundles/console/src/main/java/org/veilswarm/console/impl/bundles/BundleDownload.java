package org.veilswarm.console.impl.bundles;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.OptionalLong;

import org.veilswarm.console.impl.http.ApiException;

/**
 * Copies a bundle named by URL ({@code file:}, {@code http:} or {@code https:}) into a temporary file, so that
 * the bytes the console validates are exactly the bytes the framework installs.
 */
public final class BundleDownload {

    private BundleDownload() {
    }

    /**
     * @return a new temporary file (the caller deletes it)
     * @throws ApiException 400 for a bad or unsupported URL or a failed download, 413 beyond {@code maxBytes}
     */
    public static Path fetch(String url, long maxBytes, Duration timeout, Path tempDir)
            throws ApiException, IOException {
        URI uri = parse(url);
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        Path file = tempDir == null ? Files.createTempFile("veilswarm-download-", ".jar")
                : Files.createTempFile(tempDir, "veilswarm-download-", ".jar");
        boolean done = false;
        try {
            switch (scheme) {
                case "file" -> copyLocal(uri, file, maxBytes);
                case "http", "https" -> download(uri, file, maxBytes, timeout);
                default -> throw new IllegalStateException("unreachable: scheme checked in parse");
            }
            done = true;
            return file;
        } finally {
            if (!done) {
                Files.deleteIfExists(file);
            }
        }
    }

    static URI parse(String url) throws ApiException {
        if (url == null || url.isBlank()) {
            throw ApiException.badRequest("\"url\" must be a non-empty string (file:, http: or https:)");
        }
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw ApiException.badRequest("invalid URL: " + e.getMessage());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("file") && !scheme.equals("http") && !scheme.equals("https")) {
            throw ApiException.badRequest("unsupported URL scheme '" + scheme + "': use file:, http: or https:");
        }
        if (!scheme.equals("file") && (uri.getHost() == null || uri.getHost().isEmpty())) {
            throw ApiException.badRequest("invalid URL: no host in " + url);
        }
        return uri;
    }

    private static void copyLocal(URI uri, Path target, long maxBytes) throws ApiException, IOException {
        Path source;
        try {
            source = Path.of(uri);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid file URL " + uri + ": " + e.getMessage());
        }
        if (!Files.isRegularFile(source)) {
            throw ApiException.badRequest("no such file: " + source);
        }
        if (Files.size(source) > maxBytes) {
            throw tooLarge(maxBytes);
        }
        try (InputStream in = Files.newInputStream(source)) {
            copyBounded(in, target, maxBytes);
        }
    }

    private static void download(URI uri, Path target, long maxBytes, Duration timeout)
            throws ApiException, IOException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).GET().build();
        HttpResponse<InputStream> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw ApiException.badRequest("could not download " + uri + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(503, "interrupted while downloading " + uri);
        }
        try (InputStream in = response.body()) {
            if (response.statusCode() != 200) {
                throw ApiException.badRequest("could not download " + uri + ": HTTP " + response.statusCode());
            }
            OptionalLong length = response.headers().firstValueAsLong("Content-Length");
            if (length.isPresent() && length.getAsLong() > maxBytes) {
                throw tooLarge(maxBytes);
            }
            copyBounded(in, target, maxBytes);
        } catch (IOException e) {
            throw ApiException.badRequest("could not download " + uri + ": " + e);
        }
    }

    private static void copyBounded(InputStream in, Path target, long maxBytes) throws ApiException, IOException {
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        try (OutputStream out = Files.newOutputStream(target)) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                total += n;
                if (total > maxBytes) {
                    throw tooLarge(maxBytes);
                }
                out.write(buffer, 0, n);
            }
        }
    }

    private static ApiException tooLarge(long maxBytes) {
        return new ApiException(413, "bundle larger than the limit of " + maxBytes / (1024 * 1024) + " MiB");
    }
}
