package org.veilswarm.tracker.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

import org.veilswarm.api.node.OnionAddress;
import org.veilswarm.api.tracker.AnnounceEvent;
import org.veilswarm.api.tracker.InfoHash;

/**
 * An announce as it travels in the query string (BEP 3 "Trackers", BEP 23 {@code compact}), plus Veilswarm's
 * {@code onion} parameter: the 56-character label of the onion service on which the peer accepts streams
 * at {@code port}. The server parses it with {@link #parse}; the client writes it with {@link #toQuery}.
 *
 * @param infoHash the 20-byte info-hash (a v2 hash truncated, BEP 52)
 * @param peerId 20 bytes
 * @param port 1-65535: the peer's listening port (on its IP, or on its onion service)
 * @param uploaded bytes uploaded since {@code started}
 * @param downloaded bytes downloaded since {@code started}
 * @param left bytes still needed; 0 for a seeder
 * @param event the event; {@link AnnounceEvent#NONE} for a periodic announce
 * @param numWant peers wanted, if given (the tracker caps it)
 * @param compact whether the client wants the compact peer forms; absent in the query means yes
 * @param noPeerId whether the dictionary form may leave out {@code peer id}
 * @param onion the peer's onion service, for peers that are reachable only there
 */
public record AnnounceRequest(InfoHash infoHash, byte[] peerId, int port, long uploaded, long downloaded, long left,
        AnnounceEvent event, OptionalInt numWant, boolean compact, boolean noPeerId, Optional<OnionAddress> onion) {

    public AnnounceRequest {
        Objects.requireNonNull(infoHash, "infoHash");
        if (infoHash.isV2()) {
            throw new IllegalArgumentException("announce the 20-byte truncated form of a v2 info-hash (BEP 52)");
        }
        if (peerId == null || peerId.length != 20) {
            throw new IllegalArgumentException("peer_id must be 20 bytes");
        }
        peerId = peerId.clone();
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1-65535, got " + port);
        }
        if (uploaded < 0 || downloaded < 0 || left < 0) {
            throw new IllegalArgumentException("uploaded, downloaded and left cannot be negative");
        }
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(numWant, "numWant");
        if (numWant.isPresent() && numWant.getAsInt() < 0) {
            throw new IllegalArgumentException("numwant cannot be negative");
        }
        Objects.requireNonNull(onion, "onion");
    }

    @Override
    public byte[] peerId() {
        return peerId.clone();
    }

    /**
     * Parses the raw query string of an announce (the part after {@code ?}, still percent-encoded).
     * Unknown parameters ({@code key}, {@code corrupt}, {@code supportcrypto}, ...) are ignored; the ones read
     * here must appear at most once. {@code ip} is ignored on purpose: a tracker that believed it would let
     * anyone point a swarm at a third party's address.
     *
     * @throws TrackerRequestException naming the first problem found
     */
    public static AnnounceRequest parse(String rawQuery) throws TrackerRequestException {
        QueryParameters q = QueryParameters.parse(rawQuery);
        byte[] infoHash = q.required("info_hash");
        if (infoHash.length != 20) {
            throw new TrackerRequestException("info_hash must be 20 bytes, got " + infoHash.length);
        }
        byte[] peerId = q.required("peer_id");
        if (peerId.length != 20) {
            throw new TrackerRequestException("peer_id must be 20 bytes, got " + peerId.length);
        }
        long port = number(q.required("port"), "port", 65535);
        if (port < 1) {
            throw new TrackerRequestException("port must be 1-65535");
        }
        long uploaded = number(q.required("uploaded"), "uploaded", Long.MAX_VALUE);
        long downloaded = number(q.required("downloaded"), "downloaded", Long.MAX_VALUE);
        long left = number(q.required("left"), "left", Long.MAX_VALUE);
        AnnounceEvent event = event(q.single("event").orElse(new byte[0]));
        OptionalInt numWant = q.single("numwant").map(v -> OptionalInt.of((int) Math.min(Integer.MAX_VALUE,
                numberOrMinusOne(v)))).orElse(OptionalInt.empty());
        if (numWant.isPresent() && numWant.getAsInt() < 0) {
            throw new TrackerRequestException("numwant must be a non-negative decimal number");
        }
        boolean compact = flag(q.single("compact"), "compact", true);
        boolean noPeerId = flag(q.single("no_peer_id"), "no_peer_id", false);
        Optional<byte[]> onionLabel = q.single("onion");
        Optional<OnionAddress> onion = Optional.empty();
        if (onionLabel.isPresent()) {
            onion = Optional.ofNullable(onionOrNull(onionLabel.get()));
            if (onion.isEmpty()) {
                throw new TrackerRequestException("onion must be the 56-character label of a v3 onion address");
            }
        }
        return new AnnounceRequest(InfoHash.of(infoHash), peerId, (int) port, uploaded, downloaded, left, event,
                numWant, compact, noPeerId, onion);
    }

    /**
     * The query string (without {@code ?}) that announces this request. Every byte of {@code info_hash} and
     * {@code peer_id} is percent-encoded: trackers differ on {@code +} and on unreserved characters, never on
     * {@code %XX}.
     */
    public String toQuery() {
        StringBuilder out = new StringBuilder(256);
        out.append("info_hash=").append(PercentEncoding.encodeAll(infoHash.bytes()))
                .append("&peer_id=").append(PercentEncoding.encodeAll(peerId))
                .append("&port=").append(port)
                .append("&uploaded=").append(uploaded)
                .append("&downloaded=").append(downloaded)
                .append("&left=").append(left);
        if (event != AnnounceEvent.NONE) {
            out.append("&event=").append(event.name().toLowerCase(java.util.Locale.ROOT));
        }
        numWant.ifPresent(n -> out.append("&numwant=").append(n));
        out.append("&compact=").append(compact ? 1 : 0);
        if (noPeerId) {
            out.append("&no_peer_id=1");
        }
        onion.ifPresent(o -> out.append("&onion=").append(o.label()));
        return out.toString();
    }

    /** Decimal digits only (no sign, no spaces), at most {@code max}. */
    static long number(byte[] value, String name, long max) throws TrackerRequestException {
        long n = numberOrMinusOne(value);
        if (n < 0 || n > max) {
            throw new TrackerRequestException(name + " must be a decimal number from 0 to " + max);
        }
        return n;
    }

    private static long numberOrMinusOne(byte[] value) {
        if (value.length == 0 || value.length > 19) {
            return -1;
        }
        long n = 0;
        for (byte b : value) {
            if (b < '0' || b > '9') {
                return -1;
            }
            n = n * 10 + (b - '0');
        }
        return n < 0 ? -1 : n;
    }

    private static AnnounceEvent event(byte[] value) throws TrackerRequestException {
        String text = new String(value, StandardCharsets.ISO_8859_1);
        return switch (text) {
            // BEP 21's "paused" is a partial seed's periodic announce: nothing to record beyond left.
            case "", "paused" -> AnnounceEvent.NONE;
            case "started" -> AnnounceEvent.STARTED;
            case "completed" -> AnnounceEvent.COMPLETED;
            case "stopped" -> AnnounceEvent.STOPPED;
            default -> throw new TrackerRequestException("event must be started, completed, stopped or empty, got "
                    + QueryParameters.printable(text));
        };
    }

    private static boolean flag(Optional<byte[]> value, String name, boolean absent) throws TrackerRequestException {
        if (value.isEmpty()) {
            return absent;
        }
        byte[] v = value.get();
        if (v.length == 1 && (v[0] == '0' || v[0] == '1')) {
            return v[0] == '1';
        }
        throw new TrackerRequestException(name + " must be 0 or 1");
    }

    private static OnionAddress onionOrNull(byte[] value) {
        String label = new String(value, StandardCharsets.ISO_8859_1);
        if (label.length() != OnionAddress.LABEL_LENGTH) {
            return null;
        }
        try {
            return OnionAddress.parse(label);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AnnounceRequest r && infoHash.equals(r.infoHash) && Arrays.equals(peerId, r.peerId)
                && port == r.port && uploaded == r.uploaded && downloaded == r.downloaded && left == r.left
                && event == r.event && numWant.equals(r.numWant) && compact == r.compact && noPeerId == r.noPeerId
                && onion.equals(r.onion);
    }

    @Override
    public int hashCode() {
        return Objects.hash(infoHash, Arrays.hashCode(peerId), port, left, event);
    }

    @Override
    public String toString() {
        return "AnnounceRequest[" + infoHash + ", port " + port + ", left " + left + ", " + event
                + onion.map(o -> ", " + o).orElse("") + "]";
    }
}
