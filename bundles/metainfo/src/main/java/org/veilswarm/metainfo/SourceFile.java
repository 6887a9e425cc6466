package org.veilswarm.metainfo;

import java.nio.file.Path;

/** A regular file to put into a torrent: where it is on disk and where it goes in the file tree. */
record SourceFile(Path location, TorrentPath path, long length) {
}
