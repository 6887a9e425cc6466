package org.veilswarm.metainfo;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * Lists the regular files below a folder in BEP 52 file-tree order, without following links. Nothing
 * is left out silently: links and special files are errors unless skipping is allowed, and every
 * skipped entry (empty directories too) is reported to the listener.
 */
final class SourceScanner {

    private final boolean skipUnsupported;
    private final HashingProgressListener listener;
    private final List<SourceFile> files = new ArrayList<>();

    SourceScanner(boolean skipUnsupported, HashingProgressListener listener) {
        this.skipUnsupported = skipUnsupported;
        this.listener = listener;
    }

    List<SourceFile> scanFolder(Path folder) throws IOException, MetainfoException {
        walk(folder, new ArrayList<>());
        return files;
    }

    private void walk(Path dir, List<PathComponent> prefix) throws IOException, MetainfoException {
        List<Entry> children = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path child : stream) {
                children.add(new Entry(child, component(child)));
            }
        }
        // Raw UTF-8 byte order of names: the order of keys in the file tree dictionary.
        children.sort((a, b) -> a.component.compareTo(b.component));
        if (children.isEmpty() && !prefix.isEmpty()) {
            listener.skipped(dir, "empty directory (BEP 52 file trees cannot hold one)");
        }
        for (Entry e : children) {
            BasicFileAttributes attrs = Files.readAttributes(e.path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            List<PathComponent> path = new ArrayList<>(prefix);
            path.add(e.component);
            if (attrs.isDirectory()) {
                walk(e.path, path);
            } else if (attrs.isRegularFile()) {
                files.add(new SourceFile(e.path, TorrentPath.of(path), attrs.size()));
            } else {
                unsupported(e.path, attrs.isSymbolicLink() ? "symbolic link" : "special file (device, pipe or socket)");
            }
        }
    }

    void unsupported(Path path, String what) throws MetainfoException {
        if (!skipUnsupported) {
            throw new MetainfoException(path + " is a " + what
                    + "; torrents hold regular files only (remove it, or allow skipping it)");
        }
        listener.skipped(path, what);
    }

    static PathComponent component(Path path) throws MetainfoException {
        String name = path.getFileName().toString();
        if (name.indexOf('\uFFFD') >= 0) {
            // The JDK maps undecodable bytes of a name to U+FFFD; such a file could not be reopened by name.
            throw new MetainfoException(path + ": file name is not valid UTF-8");
        }
        try {
            return PathComponent.of(name);
        } catch (MetainfoException e) {
            throw new MetainfoException(path + ": " + e.getMessage(), e);
        }
    }

    private record Entry(Path path, PathComponent component) {
    }
}
