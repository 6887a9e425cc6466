package org.veilswarm.share.impl;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Properties;

import org.veilswarm.api.transport.ClientAuthPublicKey;
import org.veilswarm.api.transport.ClientAuthSecretKey;

/**
 * One share as kept in {@code <data>/shares/<id>.share} (a Java properties file, 0600: it holds the tokens)
 * beside {@code <id>.torrent} (the metainfo, so a restart does not hash the files again).
 *
 * @param id the v2 info-hash in hex
 * @param path the shared file or folder
 * @param privateToken empty once revoked
 * @param publicToken present once published, until revoked
 * @param created when it was shared
 * @param services the onion services of its own it is published on, when chosen for this share; empty: the node's
 *                 setting
 * @param clientAuth the x25519 key pair of the share's authorized client, for a share with client authorization
 *                 (both halves kept: the owner hands out the secret one, its services list the public one)
 */
record ShareRecord(String id, Path path, Optional<String> privateToken, Optional<String> publicToken, Instant created,
        OptionalInt services, Optional<ClientAuthSecretKey.Pair> clientAuth) {

    ShareRecord(String id, Path path, Optional<String> privateToken, Optional<String> publicToken, Instant created) {
        this(id, path, privateToken, publicToken, created, OptionalInt.empty(), Optional.empty());
    }

    ShareRecord(String id, Path path, Optional<String> privateToken, Optional<String> publicToken, Instant created,
            OptionalInt services) {
        this(id, path, privateToken, publicToken, created, services, Optional.empty());
    }

    private static final RecordFile FILE = new RecordFile("share", "1");

    byte[] encode() {
        Properties p = FILE.start();
        p.setProperty("id", id);
        p.setProperty("path", path.toString());
        privateToken.ifPresent(t -> p.setProperty("private.token", t));
        publicToken.ifPresent(t -> p.setProperty("public.token", t));
        p.setProperty("created", created.toString());
        services.ifPresent(k -> p.setProperty("services", Integer.toString(k)));
        clientAuth.ifPresent(pair -> {
            p.setProperty("client.auth.secret", pair.secret().base32());
            p.setProperty("client.auth.public", pair.publicKey().base32());
        });
        return FILE.encode(p);
    }

    /** @throws IOException naming what is wrong with a damaged file */
    static ShareRecord decode(byte[] bytes) throws IOException {
        Properties p = FILE.decode(bytes);
        String id = FILE.required(p, "id");
        if (!id.matches("[0-9a-f]{64}")) {
            throw new IOException("share id is not 64 hex digits");
        }
        try {
            String services = p.getProperty("services");
            OptionalInt k = services == null ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(services.trim()));
            if (k.isPresent() && (k.getAsInt() < 0 || k.getAsInt() > org.veilswarm.share.api.ShareOptions.MAX_SERVICES)) {
                throw new IllegalArgumentException("services must be 0-" + org.veilswarm.share.api.ShareOptions.MAX_SERVICES
                        + ", got " + k.getAsInt());
            }
            Optional<ClientAuthSecretKey.Pair> clientAuth = Optional.empty();
            if (p.getProperty("client.auth.secret") != null || p.getProperty("client.auth.public") != null) {
                clientAuth = Optional.of(new ClientAuthSecretKey.Pair(
                        ClientAuthSecretKey.parse(FILE.required(p, "client.auth.secret")),
                        ClientAuthPublicKey.parse(FILE.required(p, "client.auth.public"))));
            }
            return new ShareRecord(id, Path.of(FILE.required(p, "path")),
                    Optional.ofNullable(p.getProperty("private.token")), Optional.ofNullable(p.getProperty("public.token")),
                    Instant.parse(FILE.required(p, "created")), k, clientAuth);
        } catch (RuntimeException | IOException e) {
            throw new IOException("damaged share file: " + e.getMessage(), e);
        }
    }

    ShareRecord withPrivateToken(Optional<String> token) {
        return new ShareRecord(id, path, token, publicToken, created, services, clientAuth);
    }

    ShareRecord withPublicToken(Optional<String> token) {
        return new ShareRecord(id, path, privateToken, token, created, services, clientAuth);
    }

    @Override
    public String toString() {
        return "ShareRecord[" + id + ", " + path + "]";
    }
}
