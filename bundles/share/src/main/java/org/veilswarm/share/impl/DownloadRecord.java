package org.veilswarm.share.impl;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;

import org.veilswarm.share.api.ShareLink;

/**
 * One download as kept in {@code <data>/downloads/<id>.download} (a Java properties file, 0600: the link holds
 * the share's token) beside {@code <id>.torrent} once the metadata has arrived, so a restart neither asks peers
 * for it again nor needs the source to be online to seed what is complete.
 *
 * @param id the download id ({@link DownloadService#idOf})
 * @param link the share link, as the user gave it
 * @param directory where the files go
 * @param paused paused by the user: a restart leaves it paused
 * @param added when it was added
 * @param clientAuthKey the share's client authorization key (base32), for a share for authorized clients only
 */
record DownloadRecord(String id, ShareLink link, Path directory, boolean paused, Instant added,
        Optional<String> clientAuthKey) {

    DownloadRecord(String id, ShareLink link, Path directory, boolean paused, Instant added) {
        this(id, link, directory, paused, added, Optional.empty());
    }

    private static final String FORMAT = "1";

    byte[] encode() {
        Properties p = new Properties();
        p.setProperty("format", FORMAT);
        p.setProperty("id", id);
        p.setProperty("link", link.format());
        p.setProperty("directory", directory.toString());
        p.setProperty("paused", Boolean.toString(paused));
        p.setProperty("added", added.toString());
        clientAuthKey.ifPresent(k -> p.setProperty("client.auth.key", k));
        StringWriter w = new StringWriter();
        try {
            p.store(w, null);
        } catch (IOException e) {
            throw new IllegalStateException("a StringWriter does not fail", e);
        }
        return w.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** @throws IOException naming what is wrong with a damaged file (never repeating the link's token) */
    static DownloadRecord decode(byte[] bytes) throws IOException {
        Properties p = new Properties();
        p.load(new StringReader(new String(bytes, StandardCharsets.UTF_8)));
        if (!FORMAT.equals(p.getProperty("format"))) {
            throw new IOException("unknown download file format " + p.getProperty("format"));
        }
        String id = required(p, "id");
        if (!id.matches("[0-9a-f]{16}")) {
            throw new IOException("download id is not 16 hex digits");
        }
        ShareLink link;
        try {
            link = ShareLink.parse(required(p, "link"));
        } catch (RuntimeException e) {
            throw new IOException("damaged download file: " + e.getMessage(), e);
        }
        if (!id.equals(DownloadService.idOf(link))) {
            throw new IOException("download file " + id + " holds the link of another download");
        }
        try {
            Optional<String> key = Optional.ofNullable(p.getProperty("client.auth.key"));
            key.ifPresent(org.veilswarm.api.transport.ClientAuthSecretKey::parse); // damaged: said so, not quoted
            return new DownloadRecord(id, link, Path.of(required(p, "directory")),
                    Boolean.parseBoolean(required(p, "paused")), Instant.parse(required(p, "added")), key);
        } catch (RuntimeException e) {
            throw new IOException("damaged download file: " + e.getMessage(), e);
        }
    }

    private static String required(Properties p, String key) throws IOException {
        String v = p.getProperty(key);
        if (v == null || v.isBlank()) {
            throw new IOException("download file without " + key);
        }
        return v;
    }

    DownloadRecord withPaused(boolean value) {
        return new DownloadRecord(id, link, directory, value, added, clientAuthKey);
    }

    DownloadRecord withClientAuthKey(Optional<String> key) {
        return new DownloadRecord(id, link, directory, paused, added, key);
    }

    @Override
    public String toString() {
        return "DownloadRecord[" + id + ", " + directory + (paused ? ", paused" : "") + "]";
    }
}
