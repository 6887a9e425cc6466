package org.veilswarm.tracker.mirror;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.veilswarm.api.node.NodeIdentity;
import org.veilswarm.api.tracker.Visibility;
import org.veilswarm.tracker.protocol.AnnounceResponse;
import org.veilswarm.tracker.protocol.QueryParameters;
import org.veilswarm.tracker.protocol.ShareTokens;
import org.veilswarm.tracker.protocol.TokenDigest;
import org.veilswarm.tracker.protocol.TrackedShare;
import org.veilswarm.tracker.protocol.TrackerRequestException;

/**
 * Answers the mirroring requests of a share, free of Netty:
 * <pre>
 * GET /&lt;private|public&gt;/&lt;token&gt;/mirror/snapshot?nonce=&lt;32 hex&gt;
 * GET /&lt;private|public&gt;/&lt;token&gt;/mirror/changes?nonce=&lt;32 hex&gt;&amp;epoch=&lt;32 hex&gt;&amp;since=&lt;n&gt;[&amp;wait=&lt;s&gt;]
 * </pre>
 * The token is the share's own tracker token: whoever may announce to a share may mirror it, nobody else
 * learns anything (an unknown token gets the tracker's one 404, after the same digest lookup). Answers are
 * {@link SignedDocument}s. {@code changes} is a long poll: with nothing new for the share it waits up to
 * {@code wait} seconds (capped) for a change.
 */
public final class MirrorSource {
    /** The path segment after the token that routes a request here. */
    public static final String SEGMENT = "mirror";
    /** The tracker's 404 body, byte for byte. */
    static final byte[] NOT_FOUND = AnnounceResponse.failure("not found");

    private final FeedFollower feed;
    private final ShareTokens tokens;
    private final NodeIdentity identity;
    private final MirrorCodec codec;
    private final Duration maxWait;
    private final PublicShareList publicShares;

    /**
     * A source without a public index (its {@link PublicIndex#PATH} gets the 404 of an unknown share).
     *
     * @param maxWait longest long poll; keep it below the mirrors' request timeout
     */
    public MirrorSource(FeedFollower feed, ShareTokens tokens, NodeIdentity identity, MirrorLimits limits,
            Duration maxWait) {
        this(feed, tokens, identity, limits, maxWait, null);
    }

    /**
     * @param maxWait longest long poll; keep it below the mirrors' request timeout
     * @param publicShares lists the public shares for {@link PublicIndex#PATH}; {@code null}: no index
     */
    public MirrorSource(FeedFollower feed, ShareTokens tokens, NodeIdentity identity, MirrorLimits limits,
            Duration maxWait, PublicShareList publicShares) {
        this.publicShares = publicShares;
        this.feed = Objects.requireNonNull(feed, "feed");
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.identity = Objects.requireNonNull(identity, "identity");
        this.codec = new MirrorCodec(limits);
        this.maxWait = Objects.requireNonNull(maxWait, "maxWait");
    }

    /** An HTTP status and a body (a signed document, or a bencoded {@code failure reason}). */
    public record Reply(int status, byte[] body) {
    }

    /**
     * Whether {@code target} is a mirroring path (the 4th path segment is {@code mirror}, or the
     * {@linkplain PublicIndex public index}); says nothing of tokens.
     */
    public static boolean isMirrorPath(String target) {
        if (PublicIndex.isIndexPath(target)) {
            return true;
        }
        int question = target.indexOf('?');
        String[] segments = (question < 0 ? target : target.substring(0, question)).split("/", 5);
        return segments.length >= 4 && segments[3].equals(SEGMENT);
    }

    /** Answers a mirroring request; {@link #isMirrorPath} must hold. */
    public CompletableFuture<Reply> handle(String method, String target) {
        int question = target.indexOf('?');
        String path = question < 0 ? target : target.substring(0, question);
        String query = question < 0 ? "" : target.substring(question + 1);
        if (PublicIndex.isIndexPath(target)) {
            return CompletableFuture.completedFuture(index(method, query));
        }
        String[] segments = path.split("/", 6);
        String token = segments.length > 2 ? segments[2] : "";
        // Same work as the tracker's routing whatever the token: hash it, look it up, then decide.
        Optional<TrackedShare> share = tokens.find(TokenDigest.of(token));
        Visibility visibility = segments.length > 1 ? visibility(segments[1]) : null;
        String operation = segments.length == 5 ? segments[4] : "";
        boolean routed = segments.length == 5 && segments[0].isEmpty() && visibility != null
                && ShareTokens.isWellFormed(token) && share.isPresent() && share.get().visibility() == visibility
                && (operation.equals("snapshot") || operation.equals("changes"));
        if (!routed) {
            return CompletableFuture.completedFuture(new Reply(404, NOT_FOUND));
        }
        if (!method.equals("GET")) {
            return CompletableFuture.completedFuture(failure(405, "mirrors answer GET only"));
        }
        byte[] scope = MirrorScope.of(visibility, token);
        try {
            QueryParameters parameters = QueryParameters.parse(query);
            byte[] nonce = hex(parameters.required("nonce"), MirrorCodec.NONCE_LENGTH, "nonce");
            if (operation.equals("snapshot")) {
                return CompletableFuture.completedFuture(snapshot(share.get(), nonce, scope));
            }
            FeedEpoch epoch = FeedEpoch.of(hex(parameters.required("epoch"), FeedEpoch.LENGTH, "epoch"));
            long since = decimal(parameters.required("since"), "since");
            long waitSeconds = parameters.single("wait").isPresent() ? decimal(parameters.required("wait"), "wait") : 0;
            long deadline = System.nanoTime() + Math.min(TimeUnit.SECONDS.toNanos(Math.min(waitSeconds, 3600)),
                    maxWait.toNanos());
            TokenDigest digest = TokenDigest.of(token);
            // The share is looked up again at every evaluation of a long poll: an operator may widen it to more
            // torrents while the mirror waits, and filtering with the share as it was when the poll began would
            // move the mirror past those torrents' changes without ever sending them.
            java.util.function.Supplier<Optional<TrackedShare>> current =
                    () -> tokens.find(digest).filter(s -> s.visibility() == visibility);
            return changes(current, epoch, since, nonce, scope, deadline);
        } catch (TrackerRequestException e) {
            return CompletableFuture.completedFuture(failure(400, e.getMessage()));
        }
    }

    /** The signed list of public share tokens: public links only, so no token lookup to keep constant-time. */
    private Reply index(String method, String query) {
        if (publicShares == null) {
            return new Reply(404, NOT_FOUND);
        }
        if (!method.equals("GET")) {
            return failure(405, "mirrors answer GET only");
        }
        try {
            byte[] nonce = hex(QueryParameters.parse(query).required("nonce"), MirrorCodec.NONCE_LENGTH, "nonce");
            java.util.List<String> tokens = new java.util.ArrayList<>(publicShares.publicTokens());
            if (tokens.size() > codec.limits().maxTorrents()) {
                return failure(507, tokens.size() + " public shares exceed the index limit of "
                        + codec.limits().maxTorrents());
            }
            return new Reply(200, SignedDocument.sign(SignedDocument.Kind.INDEX, PublicIndex.encode(tokens, nonce),
                    identity));
        } catch (TrackerRequestException e) {
            return failure(400, e.getMessage());
        }
    }

    private Reply snapshot(TrackedShare share, byte[] nonce, byte[] scope) {
        MirrorSnapshot snapshot = feed.snapshot(new TreeSet<>(share.infoHashes()),
                codec.limits().maxPeersPerTorrent());
        byte[] document = codec.encodeSnapshot(snapshot, nonce, scope);
        if (document.length + 128 > codec.limits().maxSnapshotBytes()) {
            return failure(507, "snapshot of " + document.length + " bytes exceeds the limit of "
                    + codec.limits().maxSnapshotBytes());
        }
        return new Reply(200, SignedDocument.sign(SignedDocument.Kind.SNAPSHOT, document, identity));
    }

    private CompletableFuture<Reply> changes(java.util.function.Supplier<Optional<TrackedShare>> current,
            FeedEpoch epoch, long since, byte[] nonce, byte[] scope, long deadline) {
        int max = codec.limits().maxBatchChanges();
        while (true) {
            if (feed.isClosed()) {
                // RFC 9110 §15.6.4: the source is stopping; the mirror retries later (or elsewhere).
                return CompletableFuture.completedFuture(failure(503, "mirror source stopping"));
            }
            Optional<TrackedShare> now = current.get();
            if (now.isEmpty()) {
                // Revoked while the mirror waited: the same answer as for a token that never existed.
                return CompletableFuture.completedFuture(new Reply(404, NOT_FOUND));
            }
            TrackedShare share = now.get();
            Optional<ChangeBatch> found = feed.changes(epoch, since, share::tracks, max, 16 * max);
            if (found.isEmpty()) {
                return CompletableFuture.completedFuture(failure(410, "feed position " + since
                        + " is not available under epoch " + epoch + ": take a snapshot"));
            }
            ChangeBatch batch = found.get();
            long remaining = deadline - System.nanoTime();
            if (batch.changes().isEmpty() && batch.to() >= feed.head() && remaining > 0) {
                // Nothing for this share yet: wait for the feed to move, then look again from the same place.
                return feed.awaitBeyond(epoch, batch.to())
                        .completeOnTimeout(null, remaining, TimeUnit.NANOSECONDS)
                        .thenCompose(v -> System.nanoTime() - deadline >= 0 ? answerNow(current, epoch, since, nonce,
                                scope) : changes(current, epoch, since, nonce, scope, deadline));
            }
            byte[] document = codec.encodeBatch(batch, nonce, scope);
            if (document.length + 128 <= codec.limits().maxBatchBytes()) {
                return CompletableFuture.completedFuture(
                        new Reply(200, SignedDocument.sign(SignedDocument.Kind.CHANGES, document, identity)));
            }
            if (batch.changes().size() <= 1) {
                return CompletableFuture.completedFuture(failure(507, "change " + since + "+ does not fit in "
                        + codec.limits().maxBatchBytes() + " bytes"));
            }
            max = batch.changes().size() / 2;
        }
    }

    private CompletableFuture<Reply> answerNow(java.util.function.Supplier<Optional<TrackedShare>> current,
            FeedEpoch epoch, long since, byte[] nonce, byte[] scope) {
        return changes(current, epoch, since, nonce, scope, System.nanoTime());
    }

    private static Reply failure(int status, String reason) {
        return new Reply(status, AnnounceResponse.failure(reason));
    }

    private static byte[] hex(byte[] value, int bytes, String name) throws TrackerRequestException {
        String text = new String(value, StandardCharsets.ISO_8859_1);
        if (text.length() != 2 * bytes) {
            throw new TrackerRequestException(name + " must be " + 2 * bytes + " hexadecimal digits");
        }
        try {
            return HexFormat.of().parseHex(text);
        } catch (IllegalArgumentException e) {
            throw new TrackerRequestException(name + " must be " + 2 * bytes + " hexadecimal digits");
        }
    }

    private static long decimal(byte[] value, String name) throws TrackerRequestException {
        if (value.length == 0 || value.length > 18) {
            throw new TrackerRequestException(name + " must be a decimal number below 10^18");
        }
        long n = 0;
        for (byte b : value) {
            if (b < '0' || b > '9') {
                throw new TrackerRequestException(name + " must be a decimal number below 10^18");
            }
            n = n * 10 + (b - '0');
        }
        return n;
    }

    private static Visibility visibility(String segment) {
        return switch (segment) {
            case "private" -> Visibility.PRIVATE;
            case "public" -> Visibility.PUBLIC;
            default -> null;
        };
    }
}
