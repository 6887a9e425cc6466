package org.veilswarm.share.impl;

import java.io.IOException;
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

    private static final RecordFile FILE = new RecordFile("download", "1");

    byte[] encode() {
        Properties p = FILE.start();
        p.setProperty("id", id);
        p.setProperty("link", link.format());
        p.setProperty("directory", directory.toString());
        p.setProperty("paused", Boolean.toString(paused));
        p.setProperty("added", added.toString());
        clientAuthKey.ifPresent(k -> p.setProperty("client.auth.key", k));
        return FILE.encode(p);
    }

    /** @throws IOException naming what is wrong with a damaged file (never repeating the link's token) */
    static DownloadRecord decode(byte[] bytes) throws IOException {
        Properties p = FILE.decode(bytes);
        String id = FILE.required(p, "id");
        if (!id.matches("[0-9a-f]{16}")) {
            throw new IOException("download id is not 16 hex digits");
        }
        ShareLink link;
        try {
            link = ShareLink.parse(FILE.required(p, "link"));
        } catch (RuntimeException e) {
            throw new IOException("damaged download file: " + e.getMessage(), e);
        }
        if (!id.equals(DownloadService.idOf(link))) {
            throw new IOException("download file " + id + " holds the link of another download");
        }
        try {
            Optional<String> key = Optional.ofNullable(p.getProperty("client.auth.key"));
            key.ifPresent(org.veilswarm.api.transport.ClientAuthSecretKey::parse); // damaged: said so, not quoted
            return new DownloadRecord(id, link, Path.of(FILE.required(p, "directory")),
                    Boolean.parseBoolean(FILE.required(p, "paused")), Instant.parse(FILE.required(p, "added")), key);
        } catch (RuntimeException e) {
            throw new IOException("damaged download file: " + e.getMessage(), e);
        }
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
