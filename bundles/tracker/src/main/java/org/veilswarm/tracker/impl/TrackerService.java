package org.veilswarm.tracker.impl;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

import org.veilswarm.api.tracker.Announce;
import org.veilswarm.api.tracker.AnnounceResult;
import org.veilswarm.api.tracker.CompactAnnounceResult;
import org.veilswarm.api.tracker.InfoHash;
import org.veilswarm.api.tracker.PeerEntry;
import org.veilswarm.api.tracker.SwarmCounts;
import org.veilswarm.api.tracker.TrackerStore;
import org.veilswarm.api.tracker.Visibility;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.tracker.protocol.AnnounceRequest;
import org.veilswarm.tracker.protocol.AnnounceResponse;
import org.veilswarm.tracker.protocol.ScrapeRequest;
import org.veilswarm.tracker.protocol.ScrapeResponse;
import org.veilswarm.tracker.protocol.ShareTokens;
import org.veilswarm.tracker.protocol.TokenDigest;
import org.veilswarm.tracker.protocol.TrackedShare;
import org.veilswarm.tracker.protocol.TrackerRequestException;

import io.netty.util.NetUtil;

/**
 * The tracker's request handling, free of Netty: route {@code /<private|public>/<token>/<announce|scrape>},
 * parse, ask the store, encode. Thread-safe; as fast as the store.
 *
 * <p>The store may come and go (an OSGi store bundle being replaced): the service asks its supplier for the
 * current store on every request, and answers 503 with a failure reason while there is none or while the
 * store it got fails, so that clients retry later instead of waiting on a stream that never answers.
 */
public final class TrackerService {
    /** The one body of every 404, so that no path tells a known token from an unknown one. */
    static final byte[] NOT_FOUND = AnnounceResponse.failure("not found");
    /** Body of the 503 answered while no store is bound or the bound one fails (RFC 9110 §15.6.4). */
    static final byte[] STORE_UNAVAILABLE = AnnounceResponse.failure(
            "tracker store unavailable (being replaced?); announce again later");

    private final Supplier<TrackerStore> stores;
    private final ShareTokens tokens;
    private final TrackerSettings settings;
    private final Clock clock;
    private final LongAdder announces = new LongAdder();
    private final LongAdder failures = new LongAdder();

    public TrackerService(TrackerStore store, ShareTokens tokens, TrackerSettings settings, Clock clock) {
        this(constant(Objects.requireNonNull(store, "store")), tokens, settings, clock);
    }

    /**
     * A service over whatever store {@code stores} returns at the time of each request.
     *
     * @param stores the current store, or null while there is none (requests then get 503)
     */
    public TrackerService(Supplier<TrackerStore> stores, ShareTokens tokens, TrackerSettings settings, Clock clock) {
        this.stores = Objects.requireNonNull(stores, "stores");
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    private static Supplier<TrackerStore> constant(TrackerStore store) {
        return () -> store;
    }

    public TrackerSettings settings() {
        return settings;
    }

    /** Announces answered with a peer list. */
    public long announces() {
        return announces.sum();
    }

    /** Requests answered with {@code failure reason}. */
    public long failures() {
        return failures.sum();
    }

    /**
     * Answers one request.
     *
     * @param method the HTTP method
     * @param target the request target as received (origin form: path and optional raw query)
     * @param remote the stream's remote address: an IP socket address on the direct transport, anything else
     *               (or null) on anonymous transports
     */
    TrackerReply handle(String method, String target, SocketAddress remote) {
        int question = target.indexOf('?');
        String path = question < 0 ? target : target.substring(0, question);
        String query = question < 0 ? "" : target.substring(question + 1);
        String[] segments = path.split("/", 5);
        String token = segments.length > 2 ? segments[2] : "";
        // Every path does the same work up to here: hash whatever sits in the token position, look it up.
        Optional<TrackedShare> share = tokens.find(TokenDigest.of(token));
        Visibility visibility = segments.length > 1 ? visibility(segments[1]) : null;
        String action = segments.length == 4 ? segments[3] : "";
        boolean routed = segments.length == 4 && segments[0].isEmpty() && visibility != null
                && ShareTokens.isWellFormed(token) && share.isPresent() && share.get().visibility() == visibility
                && (action.equals("announce") || action.equals("scrape"));
        if (!routed) {
            return new TrackerReply(404, NOT_FOUND);
        }
        if (!method.equals("GET")) {
            return new TrackerReply(405, AnnounceResponse.failure("trackers answer GET only"));
        }
        TrackerStore store = stores.get();
        if (store == null) {
            return new TrackerReply(503, STORE_UNAVAILABLE);
        }
        try {
            return new TrackerReply(200, action.equals("announce") ? announce(store, share.get(), query, remote)
                    : scrape(store, share.get(), query));
        } catch (TrackerRequestException e) {
            failures.increment();
            return new TrackerReply(200, AnnounceResponse.failure(e.getMessage()));
        } catch (RuntimeException storeFailed) {
            // A closed pool of a store being stopped, a database gone: the client's request was fine, so not
            // a failure reason (clients give up on those) but "unavailable, retry". The cause stays private.
            failures.increment();
            return new TrackerReply(503, STORE_UNAVAILABLE);
        }
    }

    private byte[] announce(TrackerStore store, TrackedShare share, String query, SocketAddress remote)
            throws TrackerRequestException {
        AnnounceRequest request = AnnounceRequest.parse(query);
        if (!share.tracks(request.infoHash())) {
            throw new TrackerRequestException("this tracker does not track that info_hash");
        }
        TransportAddress address = peerAddress(request, remote);
        int numWant = Math.min(request.numWant().orElse(settings.defaultNumWant()), settings.maxNumWant());
        PeerEntry peer = new PeerEntry(request.infoHash(), request.peerId(), address, request.left(),
                request.uploaded(), request.downloaded(), clock.instant());
        Announce announce = new Announce(peer, request.event(), numWant);
        try {
            if (request.compact()) {
                // What almost every client asks for: the store copies its peers' compact entries.
                CompactAnnounceResult result = store.announceCompact(announce);
                announces.increment();
                return AnnounceResponse.encodeCompact(result, settings.interval(), settings.minInterval());
            }
            AnnounceResult result = store.announce(announce);
            announces.increment();
            SwarmCounts counts = result.counts();
            return AnnounceResponse.encode(result.peers(), settings.interval(), settings.minInterval(),
                    counts.complete(), counts.incomplete(), false, request.noPeerId());
        } catch (IllegalStateException e) {
            // The store's own refusal (full); its message is meant for clients.
            throw new TrackerRequestException(e.getMessage());
        }
    }

    private byte[] scrape(TrackerStore store, TrackedShare share, String query) throws TrackerRequestException {
        List<InfoHash> asked = ScrapeRequest.parse(query, settings.maxScrapeHashes());
        List<InfoHash> hashes = new ArrayList<>();
        for (InfoHash hash : asked.isEmpty() ? share.infoHashes() : asked) {
            if (share.tracks(hash) && hashes.size() < settings.maxScrapeHashes()) {
                hashes.add(hash.truncated());
            }
        }
        Map<InfoHash, SwarmCounts> found = store.scrape(hashes);
        Map<InfoHash, SwarmCounts> files = new LinkedHashMap<>();
        for (InfoHash hash : hashes) {
            files.put(hash, found.getOrDefault(hash, new SwarmCounts(0, 0, 0)));
        }
        return ScrapeResponse.encode(files);
    }

    /**
     * Where other peers reach the announcing one: its onion service if it named one, else the IP address
     * the stream came from with the announced port. The {@code ip} parameter is never believed.
     */
    static TransportAddress peerAddress(AnnounceRequest request, SocketAddress remote) throws TrackerRequestException {
        if (request.onion().isPresent()) {
            return TransportAddress.of(request.onion().get(), request.port());
        }
        if (remote instanceof InetSocketAddress socket && socket.getAddress() != null) {
            return new TransportAddress(hostOf(socket.getAddress()), request.port());
        }
        throw new TrackerRequestException("this transport does not reveal your address: announce your onion "
                + "service with onion=<56-character label>");
    }

    private static String hostOf(InetAddress address) {
        byte[] raw = address.getAddress();
        if (address instanceof Inet6Address && isIpv4Mapped(raw)) {
            try {
                return InetAddress.getByAddress(java.util.Arrays.copyOfRange(raw, 12, 16)).getHostAddress();
            } catch (UnknownHostException e) {
                throw new AssertionError("4 bytes are an address", e);
            }
        }
        // RFC 5952 text, so one peer is one key in the store whatever form its address arrived in.
        String host = NetUtil.toAddressString(address);
        int scope = host.indexOf('%');
        return scope < 0 ? host : host.substring(0, scope);
    }

    private static boolean isIpv4Mapped(byte[] raw) {
        for (int i = 0; i < 10; i++) {
            if (raw[i] != 0) {
                return false;
            }
        }
        return raw[10] == (byte) 0xff && raw[11] == (byte) 0xff;
    }

    private static Visibility visibility(String segment) {
        return switch (segment) {
            case "private" -> Visibility.PRIVATE;
            case "public" -> Visibility.PUBLIC;
            default -> null;
        };
    }
}
