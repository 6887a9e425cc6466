package org.veilswarm.share.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veilswarm.bencode.BencodeDecoder;
import org.veilswarm.bencode.BencodeDictionary;
import org.veilswarm.bencode.BencodeEncoder;
import org.veilswarm.bencode.BencodeString;
import org.veilswarm.metainfo.InfoDictionary;
import org.veilswarm.metainfo.MetainfoParser;
import org.veilswarm.metainfo.TorrentCreator;

/**
 * Removing a download with its files deletes what the torrent stored, whatever name the sharer gave it: for a
 * single-file torrent the name is advisory (BEP 52), so a torrent named ".." must not make the removal delete the
 * download directory's parent, as it did when the deleted path was the directory resolved with the name.
 */
class DownloadFilesDeletionTest {
    @TempDir
    Path tmp;

    @Test
    void aSingleFileTorrentNamedDotDotDeletesOnlyItsFile() throws Exception {
        Path source = tmp.resolve("source");
        Files.createDirectories(source);
        Files.write(source.resolve("movie.mkv"), new byte[40_000]);
        InfoDictionary info = renamed(TorrentCreator.forPath(source.resolve("movie.mkv")).create().bytes(), "..");

        Path downloads = tmp.resolve("home").resolve("downloads");
        Files.createDirectories(downloads);
        Files.write(downloads.resolve("movie.mkv"), new byte[40_000]);
        Path neighbour = tmp.resolve("home").resolve("documents").resolve("thesis.txt");
        Files.createDirectories(neighbour.getParent());
        Files.writeString(neighbour, "years of work");

        DownloadService.deleteStoredFiles(info, downloads, "test");

        assertFalse(Files.exists(downloads.resolve("movie.mkv")), "the downloaded file is deleted");
        assertTrue(Files.exists(neighbour), "nothing outside the download directory is touched");
        assertTrue(Files.isDirectory(downloads), "nor the download directory itself");
    }

    /** The torrent with its info's name replaced, as a sharer can write it (our creator refuses such names). */
    private static InfoDictionary renamed(byte[] torrent, String name) throws Exception {
        BencodeDictionary t = BencodeDecoder.strict().decodeDictionary(torrent);
        BencodeDictionary.Builder info = BencodeDictionary.builder();
        ((BencodeDictionary) t.get("info").orElseThrow()).entries().forEach(info::put);
        info.put("name", BencodeString.of(name));
        BencodeDictionary.Builder outer = BencodeDictionary.builder();
        t.entries().forEach(outer::put);
        outer.put("info", info.build());
        InfoDictionary parsed = MetainfoParser.strict().parse(BencodeEncoder.encode(outer.build())).info();
        assertEquals(name, parsed.name(), "the parser keeps a single-file torrent's advisory name");
        return parsed;
    }

    @Test
    void aFolderTorrentDeletesItsFolder() throws Exception {
        Path source = tmp.resolve("source").resolve("album");
        Files.createDirectories(source);
        Files.write(source.resolve("one.flac"), new byte[30_000]);
        Files.write(source.resolve("two.flac"), new byte[30_000]);
        InfoDictionary info = TorrentCreator.forPath(source).create().metainfo().info();

        Path downloads = tmp.resolve("downloads");
        Files.createDirectories(downloads.resolve("album"));
        Files.write(downloads.resolve("album").resolve("one.flac"), new byte[30_000]);
        Files.write(downloads.resolve("other.txt"), new byte[3]);

        DownloadService.deleteStoredFiles(info, downloads, "test");

        assertFalse(Files.exists(downloads.resolve("album")));
        assertTrue(Files.exists(downloads.resolve("other.txt")));
    }
}
