package org.veilswarm.metainfo;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** A relative path of validated {@link PathComponent}s, e.g. {@code dir/sub/file.txt}. */
public final class TorrentPath implements Comparable<TorrentPath> {

    /** PATH_MAX on Linux; deeper or longer paths are refused rather than truncated. */
    public static final int MAX_BYTES = 4096;

    private final List<PathComponent> components;

    private TorrentPath(List<PathComponent> components) {
        this.components = List.copyOf(components);
    }

    public static TorrentPath of(List<PathComponent> components) throws MetainfoException {
        if (components.isEmpty()) {
            throw new MetainfoException("a file path needs at least one component");
        }
        int bytes = -1;
        for (PathComponent c : components) {
            bytes += c.byteLength() + 1;
        }
        if (bytes > MAX_BYTES) {
            throw new MetainfoException("path " + PathComponent.printable(join(components)) + " is longer than "
                    + MAX_BYTES + " bytes");
        }
        return new TorrentPath(components);
    }

    /** Parses {@code a/b/c}; every component is validated. */
    public static TorrentPath parse(String slashSeparated) throws MetainfoException {
        List<PathComponent> parts = new ArrayList<>();
        for (String part : slashSeparated.split("/", -1)) {
            parts.add(PathComponent.of(part));
        }
        return of(parts);
    }

    public List<PathComponent> components() {
        return components;
    }

    public PathComponent fileName() {
        return components.get(components.size() - 1);
    }

    /** This path below {@code root}: {@code root/this}. */
    public TorrentPath under(PathComponent root) {
        List<PathComponent> all = new ArrayList<>(components.size() + 1);
        all.add(root);
        all.addAll(components);
        return new TorrentPath(all);
    }

    /**
     * Where this path lives below {@code downloadDir}. The result is always strictly inside the
     * normalised absolute {@code downloadDir}: the components were validated already, and the
     * resolved path is checked again (defence in depth, no file system access, symlinks are not
     * followed or examined: storage must open files without following links).
     */
    public Path resolveUnder(Path downloadDir) throws MetainfoException {
        Path base = downloadDir.toAbsolutePath().normalize();
        Path resolved = base;
        for (PathComponent c : components) {
            Path part;
            try {
                part = base.getFileSystem().getPath(c.name());
            } catch (InvalidPathException e) {
                throw new MetainfoException("path component " + PathComponent.printable(c.name())
                        + " is not a valid name on this file system: " + e.getReason());
            }
            if (part.isAbsolute() || part.getRoot() != null || part.getNameCount() != 1
                    || !part.toString().equals(c.name())) {
                throw new MetainfoException("path component " + PathComponent.printable(c.name())
                        + " is not a single plain name on this file system");
            }
            resolved = resolved.resolve(part);
        }
        Path normalized = resolved.normalize();
        if (!normalized.startsWith(base) || normalized.equals(base)
                || normalized.getNameCount() != base.getNameCount() + components.size()) {
            throw new MetainfoException("path " + PathComponent.printable(toString()) + " escapes " + base);
        }
        return normalized;
    }

    private static String join(List<PathComponent> components) {
        return components.stream().map(PathComponent::name).collect(Collectors.joining("/"));
    }

    /** Component-wise raw byte order: the order of files in a BEP 52 file tree. */
    @Override
    public int compareTo(TorrentPath o) {
        int n = Math.min(components.size(), o.components.size());
        for (int i = 0; i < n; i++) {
            int c = components.get(i).compareTo(o.components.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(components.size(), o.components.size());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TorrentPath p && components.equals(p.components);
    }

    @Override
    public int hashCode() {
        return components.hashCode();
    }

    @Override
    public String toString() {
        return join(components);
    }
}
