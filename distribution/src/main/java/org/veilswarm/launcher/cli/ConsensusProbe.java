package org.veilswarm.launcher.cli;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * The testnet's readiness check of the directory: downloads the consensus an authority serves
 * ({@code GET /veilswarm/dir/consensus}, docs/protocols/directory-consensus.md §5), decodes the signed list
 * (§2–3) and checks each signature with the JDK's Ed25519 against the testnet's authority keys. It reads
 * only what the check needs (validity, the relays' OR addresses, who signed); the nodes verify the list
 * fully themselves.
 */
final class ConsensusProbe {

    private static final byte[] MAGIC = "VSMC".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SIGNATURE_DOMAIN = "veilswarm-dir-consensus-signature-v1".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_BYTES = 16 * 1024 * 1024;
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    /**
     * A decoded list.
     *
     * @param orAddresses every listed relay's first OR address, {@code host:port} as its descriptor writes it
     * @param signers the configured authority keys (base64) whose signature verifies
     */
    record Consensus(Instant validAfter, Instant validUntil, List<String> orAddresses, Set<String> signers) {
        boolean validAt(Instant now) {
            return !now.isBefore(validAfter) && now.isBefore(validUntil);
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).version(HttpClient.Version.HTTP_1_1)
            .build();
    private final Set<String> authorityKeys;

    /** @param authorityKeys the testnet's authority public keys, base64 */
    ConsensusProbe(Set<String> authorityKeys) {
        this.authorityKeys = Set.copyOf(authorityKeys);
    }

    /**
     * The consensus served on {@code 127.0.0.1:port}.
     *
     * @throws IOException when nothing answers, the answer is not 200 (an authority answers 503 before its
     *     first consensus), or the bytes are not a signed list
     */
    Consensus fetch(int port) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/veilswarm/dir/consensus"))
                .timeout(TIMEOUT).header("Accept-Encoding", "gzip").GET().build();
        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            String reason = new String(response.body(), 0, Math.min(200, response.body().length), StandardCharsets.UTF_8)
                    .trim();
            throw new IOException("HTTP " + response.statusCode() + (reason.isEmpty() ? "" : " " + reason));
        }
        byte[] body = response.body();
        if (response.headers().firstValue("Content-Encoding").orElse("").equalsIgnoreCase("gzip")) {
            body = gunzip(body);
        }
        return decode(body);
    }

    Consensus decode(byte[] signed) throws IOException {
        try {
            ByteBuffer b = ByteBuffer.wrap(signed);
            byte[] magic = new byte[4];
            b.get(magic);
            if (!Arrays.equals(magic, MAGIC) || b.get() != 1) {
                throw new IOException("not a version 1 consensus list");
            }
            Instant validAfter = Instant.ofEpochSecond(b.getLong());
            Instant validUntil = Instant.ofEpochSecond(b.getLong());
            int n = b.getInt();
            if (n < 0 || n > (b.remaining() / 11)) {
                throw new IOException("a count of " + n + " relays cannot fit in the list");
            }
            List<String> addresses = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                b.get(); // flags
                b.getLong(); // weight
                int length = Short.toUnsignedInt(b.getShort());
                byte[] descriptor = new byte[length];
                b.get(descriptor);
                addresses.add(firstOrAddress(new String(descriptor, StandardCharsets.US_ASCII)));
            }
            int bodyLength = b.position();
            int signatures = Byte.toUnsignedInt(b.get());
            byte[] digest = digest(Arrays.copyOf(signed, bodyLength));
            Set<String> signers = new HashSet<>();
            for (int i = 0; i < signatures; i++) {
                byte[] key = new byte[TestnetKeys.KEY_LENGTH];
                byte[] signature = new byte[TestnetKeys.SIGNATURE_LENGTH];
                b.get(key);
                b.get(signature);
                String encoded = Base64.getEncoder().encodeToString(key);
                if (authorityKeys.contains(encoded) && TestnetKeys.verify(key, digest, signature)) {
                    signers.add(encoded);
                }
            }
            if (b.hasRemaining()) {
                throw new IOException(b.remaining() + " bytes after the signatures");
            }
            return new Consensus(validAfter, validUntil, addresses, signers);
        } catch (java.nio.BufferUnderflowException e) {
            throw new IOException("the consensus list is truncated");
        }
    }

    private static String firstOrAddress(String descriptor) {
        for (String line : descriptor.split("\n")) {
            if (line.startsWith("or-address ")) {
                return line.substring("or-address ".length());
            }
        }
        return "?";
    }

    private static byte[] digest(byte[] body) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update(SIGNATURE_DOMAIN);
            return sha256.digest(body);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static byte[] gunzip(byte[] compressed) throws IOException {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(compressed))) {
            byte[] out = in.readNBytes(MAX_BYTES + 1);
            if (out.length > MAX_BYTES) {
                throw new IOException("the consensus list inflates to more than " + MAX_BYTES + " bytes");
            }
            return out;
        }
    }
}
