package org.veilswarm.tracker.internal;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import org.veilswarm.api.node.NodeIdentity;
import org.veilswarm.api.node.OnionAddress;
import org.veilswarm.api.tracker.TrackerStore;
import org.veilswarm.api.tracker.Visibility;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.tracker.api.TrackerMirrorInfo;
import org.veilswarm.tracker.api.TrackerMirrorInfo.Kind;
import org.veilswarm.tracker.api.TrackerMirrorInfo.State;
import org.veilswarm.tracker.api.TrackerMirrors;
import org.veilswarm.tracker.mirror.MirrorCursorFile;
import org.veilswarm.tracker.mirror.MirrorLink;
import org.veilswarm.tracker.mirror.MirrorSettings;
import org.veilswarm.tracker.mirror.MirrorStatus;
import org.veilswarm.tracker.mirror.NodeMirror;
import org.veilswarm.tracker.mirror.OwnerOnlyFile;
import org.veilswarm.tracker.mirror.TrackerMirror;
import org.veilswarm.tracker.protocol.StreamConnector;
import org.veilswarm.tracker.protocol.TrackedShare;

/**
 * The mirrors this node keeps ({@link TrackerMirrors}), free of OSGi. The list lives in
 * {@code <dir>/mirrors.list} (owner-only: private share links carry their token), one mirror a line:
 * <pre>
 * share &lt;source&gt;.onion &lt;endpoint&gt; &lt;private|public&gt; &lt;token&gt;
 * node &lt;source&gt;.onion &lt;endpoint&gt;
 * </pre>
 * A share mirror keeps its position in {@code <dir>/<id>.cursor}; a node mirror its last verified public index
 * in {@code <dir>/<id>.index} and its shares' positions in {@code <dir>/<id>/<share id>.cursor}. Every copied
 * share is registered in the tracker's share table under its own token, so this node answers announces and
 * scrapes for it.
 */
final class MirrorRegistry implements TrackerMirrors, AutoCloseable {
    private static final System.Logger LOG = System.getLogger("org.veilswarm.tracker");
    static final String LIST_FILE = "mirrors.list";
    static final String IMPORTED_FILE = "configured.imported";

    /** A mirror as written in the list. */
    record Spec(Kind kind, OnionAddress source, TransportAddress endpoint, Visibility visibility, String token) {
        String id() {
            return MirrorRegistry.id(kind == Kind.SHARE ? "share " + source + " " + endpoint + " " + link().prefix()
                    : "node " + source + " " + endpoint);
        }

        MirrorLink link() {
            return new MirrorLink(source, endpoint, visibility, token);
        }

        String line() {
            return kind == Kind.SHARE
                    ? "share " + source + " " + endpoint + " " + visibility.name().toLowerCase(Locale.ROOT) + " " + token
                    : "node " + source + " " + endpoint;
        }

        static Spec parse(String line) {
            String[] f = line.trim().split(" ");
            if (f.length == 5 && f[0].equals("share")) {
                MirrorLink link = new MirrorLink(OnionAddress.parse(f[1]), TransportAddress.parse(f[2]),
                        Visibility.valueOf(f[3].toUpperCase(Locale.ROOT)), f[4]);
                return of(link);
            }
            if (f.length == 3 && f[0].equals("node")) {
                return new Spec(Kind.NODE, OnionAddress.parse(f[1]), TransportAddress.parse(f[2]), null, null);
            }
            throw new IllegalArgumentException("not a mirror line (share <source> <endpoint> <visibility> <token> | "
                    + "node <source> <endpoint>)");
        }

        static Spec of(MirrorLink link) {
            return new Spec(Kind.SHARE, link.source(), link.endpoint(), link.visibility(), link.token());
        }
    }

    private sealed interface Running permits ShareMirror, WholeNode {
        Spec spec();

        TrackerMirrorInfo info(String id);

        void close();
    }

    private record ShareMirror(Spec spec, TrackerMirror mirror) implements Running {
        @Override
        public TrackerMirrorInfo info(String id) {
            MirrorStatus status = mirror.status();
            int torrents = mirror.trackedShare().infoHashes().size();
            return new TrackerMirrorInfo(id, Kind.SHARE, spec.source(), spec.endpoint(),
                    state(status.lastError(), mirror.lastContact()), status.lastError(), status.sequence(),
                    lag(mirror.lastContact()), 1, torrents);
        }

        @Override
        public void close() {
            mirror.close();
        }
    }

    private record WholeNode(Spec spec, Map<String, TrackerMirror> shares, NodeMirror node) implements Running {
        @Override
        public TrackerMirrorInfo info(String id) {
            Optional<String> error = node().lastError();
            long position = Long.MAX_VALUE;
            int torrents = 0;
            Optional<Instant> oldest = node().lastContact();
            for (TrackerMirror m : shares.values()) {
                MirrorStatus status = m.status();
                error = error.or(status::lastError);
                position = Math.min(position, status.sequence());
                torrents += m.trackedShare().infoHashes().size();
                Optional<Instant> contact = m.lastContact();
                oldest = oldest.isEmpty() || contact.isEmpty() ? Optional.empty()
                        : Optional.of(contact.get().isBefore(oldest.get()) ? contact.get() : oldest.get());
            }
            return new TrackerMirrorInfo(id, Kind.NODE, spec.source(), spec.endpoint(),
                    state(error, node().lastContact()), error, shares.isEmpty() ? 0 : position, lag(oldest),
                    shares.size(), torrents);
        }

        @Override
        public void close() {
            node().close();
            shares.values().forEach(TrackerMirror::close);
        }
    }

    private final Path dir;
    private final StreamConnector connector;
    private final TrackerStore store;
    private final NodeIdentity verifier;
    private final ShareRegistry tokens;
    private final MirrorSettings settings;
    private final Duration indexPeriod;
    private final Map<String, Running> running = new LinkedHashMap<>();
    private boolean closed;

    /**
     * @param store the store copies go to (one that follows the bound store service)
     * @param indexPeriod how often a node mirror asks for the node's public index
     */
    MirrorRegistry(Path dir, StreamConnector connector, TrackerStore store, NodeIdentity verifier,
            ShareRegistry tokens, MirrorSettings settings, Duration indexPeriod) {
        this.dir = dir.toAbsolutePath();
        this.connector = connector;
        this.store = store;
        this.verifier = verifier;
        this.tokens = tokens;
        this.settings = settings;
        this.indexPeriod = indexPeriod;
    }

    /** Starts the mirrors of the saved list; a line that cannot be started is logged and kept. */
    synchronized void start() throws IOException {
        OwnerOnlyFile.createDirectories(dir);
        List<String> lines;
        try {
            lines = Files.readAllLines(dir.resolve(LIST_FILE), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return;
        }
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            try {
                Spec spec = Spec.parse(line);
                running.put(spec.id(), open(spec));
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.ERROR, "tracker: cannot resume a mirror of " + dir.resolve(LIST_FILE) + ": "
                        + e.getMessage());
            }
        }
    }

    @Override
    public TrackerMirrorInfo mirrorShare(String shareLink) {
        return add(Spec.of(MirrorLink.parse(shareLink)));
    }

    @Override
    public TrackerMirrorInfo mirrorShare(OnionAddress source, String url) {
        return add(Spec.of(MirrorLink.of(source, url)));
    }

    @Override
    public TrackerMirrorInfo mirrorNode(String address) {
        TransportAddress endpoint = TransportAddress.parse(address);
        OnionAddress source = endpoint.onion().orElseThrow(() -> new IllegalArgumentException(
                "a node is mirrored by its onion address and tracker port, <address>.onion:<port>"));
        return mirrorNode(source, endpoint);
    }

    @Override
    public TrackerMirrorInfo mirrorNode(OnionAddress source, TransportAddress endpoint) {
        return add(new Spec(Kind.NODE, source, endpoint, null, null));
    }

    /**
     * Adds a configured mirror: a share link, or a node address, either optionally followed by
     * {@code " via <source>.onion"} when the link names an endpoint that is not the onion address.
     */
    TrackerMirrorInfo addConfigured(String entry) {
        String[] parts = entry.trim().split("\\s+via\\s+");
        String target = parts[0];
        boolean share = target.contains("/private/") || target.contains("/public/");
        if (parts.length == 2) {
            OnionAddress source = OnionAddress.parse(parts[1]);
            return share ? mirrorShare(source, target)
                    : mirrorNode(source, TransportAddress.parse(target.replaceFirst("^http://", "").replaceAll("/$", "")));
        }
        if (parts.length != 1) {
            throw new IllegalArgumentException("a mirror entry is a share link or a node address, optionally "
                    + "followed by 'via <source>.onion'");
        }
        return share ? mirrorShare(target) : mirrorNode(target.replaceFirst("^http://", "").replaceAll("/$", ""));
    }

    /**
     * Seeds the configured entries into the mirror list, each once: an entry already imported (by a previous
     * activation) is skipped, so a mirror removed through {@link #remove(String)} stays removed although the
     * configuration still names it. Only digests of the entries are remembered ({@code configured.imported},
     * owner-only): private links carry their token. A refused entry is logged and tried again at the next
     * activation.
     */
    synchronized void importConfigured(List<String> entries) {
        Path seenFile = dir.resolve(IMPORTED_FILE);
        java.util.Set<String> seen = new java.util.LinkedHashSet<>();
        try {
            seen.addAll(Files.readAllLines(seenFile, StandardCharsets.US_ASCII));
        } catch (NoSuchFileException e) {
            // nothing imported yet
        } catch (IOException e) {
            LOG.log(Level.ERROR, "tracker: cannot read " + seenFile + ", configured mirrors not imported: "
                    + e.getMessage());
            return;
        }
        boolean added = false;
        for (String entry : entries) {
            if (entry.isBlank()) {
                continue;
            }
            String digest = id("configured " + entry.trim());
            if (seen.contains(digest)) {
                continue;
            }
            try {
                addConfigured(entry);
                seen.add(digest);
                added = true;
            } catch (RuntimeException e) {
                // One bad entry must not take the tracker down; the others still start.
                LOG.log(Level.ERROR, "tracker: configured mirror entry refused: " + e.getMessage());
            }
        }
        if (added) {
            try {
                OwnerOnlyFile.write(seenFile, (String.join("\n", seen) + "\n").getBytes(StandardCharsets.US_ASCII));
            } catch (IOException e) {
                LOG.log(Level.ERROR, "tracker: cannot save " + seenFile + " (configured mirrors will be added "
                        + "again at the next activation): " + e.getMessage());
            }
        }
    }

    private synchronized TrackerMirrorInfo add(Spec spec) {
        if (closed) {
            throw new IllegalStateException("the tracker is stopping");
        }
        if (spec.source().equals(verifier.address())) {
            throw new IllegalArgumentException("a node does not mirror itself (" + spec.source() + ")");
        }
        String id = spec.id();
        Running existing = running.get(id);
        if (existing != null) {
            return existing.info(id);
        }
        Running started;
        try {
            started = open(spec);
            running.put(id, started);
            saveList();
        } catch (IOException e) {
            throw new IllegalStateException("cannot keep the mirror in " + dir + ": " + e.getMessage(), e);
        }
        return started.info(id);
    }

    private Running open(Spec spec) throws IOException {
        String id = spec.id();
        if (spec.kind() == Kind.SHARE) {
            return new ShareMirror(spec, shareMirror(id, spec.link(), dir.resolve(id + ".cursor")).start());
        }
        Map<String, TrackerMirror> shares = new ConcurrentHashMap<>();
        Path sharesDir = dir.resolve(id);
        NodeMirror node = new NodeMirror(spec.source(), spec.endpoint(), connector, verifier, settings, indexPeriod,
                dir.resolve(id + ".index"), new NodeMirror.Shares() {
                    @Override
                    public void added(MirrorLink share) {
                        try {
                            String shareId = Spec.of(share).id();
                            shares.put(share.token(), shareMirror(shareMirrorId(id, share), share,
                                    sharesDir.resolve(shareId + ".cursor")).start());
                        } catch (IOException e) {
                            LOG.log(Level.ERROR, "tracker: cannot start share mirror " + shareMirrorId(id, share) + " of node mirror "
                                    + id + ": " + e.getMessage());
                        }
                    }

                    @Override
                    public void removed(MirrorLink share) {
                        TrackerMirror gone = shares.remove(share.token());
                        if (gone != null) {
                            gone.close();
                        }
                        tokens.revokeMirrored(shareMirrorId(id, share), share.token());
                        deleteQuietly(sharesDir.resolve(Spec.of(share).id() + ".cursor"));
                    }
                });
        return new WholeNode(spec, shares, node.start());
    }

    private TrackerMirror shareMirror(String mirrorId, MirrorLink link, Path cursor) throws IOException {
        return new TrackerMirror(link, connector, store, verifier, new MirrorCursorFile(cursor), settings,
                tokens.swarmGuard(mirrorId), (TrackedShare share) -> {
                    if (!tokens.restoreMirrored(mirrorId, link.token(), share.visibility(), share.infoHashes())) {
                        LOG.log(Level.WARNING, "tracker: mirror " + mirrorId + " copies a share this node serves "
                                + "already (its own, or another mirror's); the copy is not served");
                    }
                });
    }

    /** The id under which a node mirror's share mirror owns its share and swarms. */
    private static String shareMirrorId(String nodeMirrorId, MirrorLink share) {
        return nodeMirrorId + "/" + Spec.of(share).id();
    }

    /**
     * Another store was bound: the copies are in the old one, so every mirror starts again from a snapshot. Its
     * saved position is dropped but not its torrents, so its shares stay served while the snapshot is on its way
     * (a node mirror keeps its list of shares too).
     */
    synchronized void storeReplaced() {
        if (closed) {
            return;
        }
        List<Map.Entry<String, Running>> all = new ArrayList<>(running.entrySet());
        for (Map.Entry<String, Running> e : all) {
            e.getValue().close();
            dropPositions(e.getKey(), e.getValue());
            try {
                running.put(e.getKey(), open(e.getValue().spec()));
            } catch (IOException | RuntimeException failure) {
                running.remove(e.getKey());
                LOG.log(Level.ERROR, "tracker: cannot restart a mirror after a store swap: " + failure.getMessage());
            }
        }
    }

    private void dropPositions(String id, Running mirror) {
        for (Path cursor : savedFiles(id, mirror)) {
            if (!cursor.getFileName().toString().endsWith(".cursor")) {
                continue;
            }
            try {
                new MirrorCursorFile(cursor).dropPosition();
            } catch (IOException damaged) {
                // Unreadable or unwritable: without it the mirror starts empty and its snapshot serves the share again.
                deleteQuietly(cursor);
            }
        }
    }

    private void deleteCursors(String id, Running mirror) {
        savedFiles(id, mirror).forEach(MirrorRegistry::deleteQuietly);
    }

    /** What a mirror saved: a share mirror's cursor file, or every file in a node mirror's directory (its shares' cursors). */
    private List<Path> savedFiles(String id, Running mirror) {
        if (mirror instanceof ShareMirror) {
            return List.of(dir.resolve(id + ".cursor"));
        }
        try (Stream<Path> files = Files.list(dir.resolve(id))) {
            return files.toList();
        } catch (IOException e) {
            return List.of(); // nothing saved for it yet
        }
    }

    @Override
    public synchronized boolean remove(String id) {
        Running gone = running.remove(id);
        if (gone == null) {
            return false;
        }
        gone.close();
        deleteCursors(id, gone);
        if (gone instanceof ShareMirror share) {
            tokens.revokeMirrored(id, share.spec().token());
        } else if (gone instanceof WholeNode node) {
            node.shares().values().forEach(m -> tokens.revokeMirrored(shareMirrorId(id, m.link()), m.link().token()));
            deleteQuietly(dir.resolve(id + ".index"));
            deleteQuietly(dir.resolve(id));
        }
        try {
            saveList();
        } catch (IOException e) {
            throw new IllegalStateException("mirror stopped, but the list in " + dir + " cannot be saved: "
                    + e.getMessage(), e);
        }
        return true;
    }

    @Override
    public synchronized Optional<TrackerMirrorInfo> status(String id) {
        Running r = running.get(id);
        return r == null ? Optional.empty() : Optional.of(r.info(id));
    }

    @Override
    public synchronized List<TrackerMirrorInfo> list() {
        List<TrackerMirrorInfo> all = new ArrayList<>();
        running.forEach((id, r) -> all.add(r.info(id)));
        return all;
    }

    private void saveList() throws IOException {
        StringBuilder text = new StringBuilder();
        running.values().forEach(r -> text.append(r.spec().line()).append('\n'));
        OwnerOnlyFile.write(dir.resolve(LIST_FILE), text.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Stops every mirror; the list, positions and copies stay for the next start. */
    @Override
    public synchronized void close() {
        closed = true;
        running.values().forEach(Running::close);
        running.clear();
    }

    private static State state(Optional<String> error, Optional<Instant> contact) {
        return error.isPresent() ? State.RETRYING : contact.isEmpty() ? State.STARTING : State.FOLLOWING;
    }

    private static Optional<Duration> lag(Optional<Instant> contact) {
        return contact.map(c -> Duration.between(c, Instant.now()));
    }

    /** 16 hex digits of SHA-256 over a context and the mirror's fields: stable, and no token can be read back. */
    static String id(String fields) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update("veilswarm tracker-mirror id v1\0".getBytes(StandardCharsets.US_ASCII));
            byte[] digest = sha.digest(fields.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "tracker: cannot delete " + file + ": " + e.getMessage());
        }
    }
}
