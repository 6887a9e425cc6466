package org.veilswarm.tracker.mirror;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.veilswarm.api.node.NodeIdentity;
import org.veilswarm.api.node.OnionAddress;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.tracker.protocol.ShareTokens;

/**
 * Follows another node's {@linkplain PublicIndex public index}: every {@code period} it asks for the signed
 * list of the node's public share tokens and tells its {@link Shares} which shares appeared and which
 * disappeared, so that each public share gets (or loses) a {@link TrackerMirror} of its own. An index that
 * cannot be fetched or verified changes nothing: the shares known so far keep being mirrored and served (the
 * node may be gone; that is what mirrors are for). The last verified list is kept in an owner-only file, so a
 * restarted mirror serves the same shares before the node answers again, or if it never does.
 */
public final class NodeMirror implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final System.Logger LOG = System.getLogger("org.veilswarm.tracker");

    /** What the node mirror asks of its owner; called on the node mirror's thread. */
    public interface Shares {
        /** A public share of the node to mirror (also for each share of the saved list at start). */
        void added(MirrorLink share);

        /** A share the node no longer lists (revoked or made private again): stop mirroring and serving it. */
        void removed(MirrorLink share);
    }

    private final OnionAddress source;
    private final TransportAddress endpoint;
    private final MirrorHttpClient http;
    private final NodeIdentity verifier;
    private final MirrorSettings settings;
    private final Duration period;
    private final Path listFile;
    private final Shares shares;
    private final ScheduledExecutorService worker;
    private SortedSet<String> tokens;
    private volatile String lastError;
    private volatile String truncated;
    private volatile Instant lastContact;
    private volatile int known;
    private volatile boolean closed;
    private Duration backoff;

    /**
     * @param listFile where the last verified list of tokens is kept (owner-only)
     * @throws IOException if a saved list exists and cannot be read
     */
    public NodeMirror(OnionAddress source, TransportAddress endpoint, org.veilswarm.tracker.protocol.StreamConnector connector,
            NodeIdentity verifier, MirrorSettings settings, Duration period, Path listFile, Shares shares)
            throws IOException {
        this.source = Objects.requireNonNull(source, "source");
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.http = new MirrorHttpClient(connector);
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.settings = Objects.requireNonNull(settings, "settings");
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("the index period must be positive");
        }
        this.period = period;
        this.listFile = Objects.requireNonNull(listFile, "listFile");
        this.shares = Objects.requireNonNull(shares, "shares");
        this.tokens = cap(load(listFile));
        this.known = tokens.size();
        this.backoff = settings.minBackoff();
        this.worker = FeedFollower.daemonScheduler("veilswarm-node-mirror");
    }

    /** Reports the saved shares, then polls the index now and every period. */
    public NodeMirror start() {
        worker.execute(() -> tokens.forEach(t -> shares.added(link(t))));
        worker.execute(this::pollQuietly);
        return this;
    }

    public OnionAddress source() {
        return source;
    }

    public TransportAddress endpoint() {
        return endpoint;
    }

    /**
     * The last failure to fetch, verify or save the index, cleared by the next success; else, while the node
     * lists more public shares than this mirror takes, that.
     */
    public Optional<String> lastError() {
        return Optional.ofNullable(lastError).or(() -> Optional.ofNullable(truncated));
    }

    /** When the node last answered with a verified index. */
    public Optional<Instant> lastContact() {
        return Optional.ofNullable(lastContact);
    }

    /** How many public shares are mirrored now. */
    public int shareCount() {
        return known;
    }

    /** The link of the node's public share {@code token}, reached at this mirror's endpoint. */
    public MirrorLink link(String token) {
        return new MirrorLink(source, endpoint, org.veilswarm.api.tracker.Visibility.PUBLIC, token);
    }

    /** Polls, then schedules the next poll: after {@code period}, or sooner after a failure (back-off). */
    private void pollQuietly() {
        if (closed) {
            return;
        }
        boolean ok = poll();
        Duration next = period;
        if (ok) {
            backoff = settings.minBackoff();
        } else {
            next = backoff.compareTo(period) < 0 ? backoff : period;
            backoff = backoff.multipliedBy(2);
        }
        try {
            worker.schedule(this::pollQuietly, next.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            // closed meanwhile
        }
    }

    private boolean poll() {
        try {
            SortedSet<String> now = cap(fetch());
            if (closed) {
                return false;
            }
            if (!now.equals(tokens)) {
                OwnerOnlyFile.write(listFile, String.join("\n", now).getBytes(StandardCharsets.US_ASCII));
                for (String gone : tokens) {
                    if (!now.contains(gone)) {
                        shares.removed(link(gone));
                    }
                }
                for (String added : now) {
                    if (!tokens.contains(added)) {
                        shares.added(link(added));
                    }
                }
                tokens = now;
                known = now.size();
            }
            lastContact = Instant.now();
            lastError = null;
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            Throwable cause = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null
                    ? e.getCause() : e;
            lastError = cause.getMessage() == null ? cause.toString() : cause.getMessage();
            return false;
        }
    }

    private SortedSet<String> fetch() throws Exception {
        byte[] nonce = new byte[MirrorCodec.NONCE_LENGTH];
        RANDOM.nextBytes(nonce);
        // The HTTP client addresses a request by a link's endpoint and source only; any token fills the rest.
        MirrorLink any = link("A".repeat(22));
        int max = settings.limits().maxBatchBytes();
        MirrorHttpClient.Answer answer = http.get(any, PublicIndex.PATH + "?nonce=" + HexFormat.of().formatHex(nonce),
                max, settings.requestTimeout()).get();
        if (answer.status() != 200) {
            throw new MirrorException("node " + source + " answered the public index with HTTP " + answer.status());
        }
        byte[] document = SignedDocument.open(SignedDocument.Kind.INDEX, answer.body(), source.publicKey(), verifier,
                max);
        return PublicIndex.decode(document, nonce, settings.limits().maxTorrents());
    }

    /**
     * Keeps the first {@code maxSharesPerNode} tokens in sorted order: every share is a mirror of its own (thread,
     * cursor file, long poll), so an index may not decide how many this node runs. Sorted, so the same shares are
     * kept from one index to the next.
     */
    private SortedSet<String> cap(SortedSet<String> all) {
        int max = settings.maxSharesPerNode();
        if (all.size() <= max) {
            truncated = null;
            return all;
        }
        SortedSet<String> kept = new TreeSet<>();
        for (String token : all) {
            if (kept.size() == max) {
                break;
            }
            kept.add(token);
        }
        String message = "node " + source + " lists " + all.size() + " public shares; mirroring the first " + max
                + " (maxSharesPerNode)";
        if (!message.equals(truncated)) {
            LOG.log(System.Logger.Level.WARNING, "tracker: " + message);
        }
        truncated = message;
        return kept;
    }

    private static SortedSet<String> load(Path file) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            return new TreeSet<>();
        }
        SortedSet<String> tokens = new TreeSet<>();
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            if (!ShareTokens.isWellFormed(line)) {
                throw new IOException("public share list " + file + " is damaged; delete it to fetch it again");
            }
            tokens.add(line);
        }
        return tokens;
    }

    /** Stops polling; the shares stay with the owner, the saved list on disk. */
    @Override
    public void close() {
        closed = true;
        worker.shutdownNow();
        try {
            worker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
