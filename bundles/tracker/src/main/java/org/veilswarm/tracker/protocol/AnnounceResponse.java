package org.veilswarm.tracker.protocol;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.veilswarm.api.tracker.CompactAnnounceResult;
import org.veilswarm.api.tracker.PeerEntry;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.bencode.BencodeDecoder;
import org.veilswarm.bencode.BencodeDictionary;
import org.veilswarm.bencode.BencodeException;
import org.veilswarm.bencode.BencodeEncoder;
import org.veilswarm.bencode.BencodeInteger;
import org.veilswarm.bencode.BencodeLimits;
import org.veilswarm.bencode.BencodeList;
import org.veilswarm.bencode.BencodeString;
import org.veilswarm.bencode.BencodeValue;

/**
 * A successful announce response (BEP 3): the re-announce interval, swarm counts and the peers, read from
 * any mix of the dictionary form, {@code peers} (BEP 23), {@code peers6} (BEP 7) and {@code peers_onion}.
 *
 * @param interval seconds the client should wait before the next announce
 * @param minInterval seconds the client must wait at least; equal to {@code interval} if the tracker gave none
 * @param complete seeders, -1 if not given
 * @param incomplete leechers, -1 if not given
 * @param warning the tracker's {@code warning message}, if any
 * @param peers the peers, in the order the tracker listed them
 */
public record AnnounceResponse(int interval, int minInterval, int complete, int incomplete, Optional<String> warning,
        List<TransportAddress> peers) {

    /** Limits for decoding a response: a tracker's answer is small; anything huge is hostile. */
    static final BencodeLimits RESPONSE_LIMITS = BencodeLimits.DEFAULT.withMaxInputBytes(1 << 20).withMaxDepth(8)
            .withMaxElements(20_000);

    public AnnounceResponse {
        peers = List.copyOf(peers);
    }

    /** The bencoded answer to an announce. */
    public static byte[] encode(List<PeerEntry> peers, int interval, int minInterval, int complete, int incomplete,
            boolean compact, boolean noPeerId) {
        if (compact) {
            List<TransportAddress> addresses = new ArrayList<>(peers.size());
            for (PeerEntry peer : peers) {
                addresses.add(peer.address());
            }
            return encodeCompact(CompactPeers.encode(addresses), interval, minInterval, complete, incomplete);
        }
        BencodeDictionary.Builder d = BencodeDictionary.builder()
                .put("interval", interval)
                .put("min interval", minInterval)
                .put("complete", complete)
                .put("incomplete", incomplete);
        List<BencodeValue> list = new ArrayList<>(peers.size());
        for (PeerEntry peer : peers) {
            BencodeDictionary.Builder p = BencodeDictionary.builder()
                    .put("ip", peer.address().host())
                    .put("port", peer.address().port());
            if (!noPeerId) {
                p.put("peer id", peer.peerId());
            }
            list.add(p.build());
        }
        d.put("peers", new BencodeList(list));
        return BencodeEncoder.encode(d.build());
    }

    /**
     * The compact answer from a store's compact lists ({@link CompactAnnounceResult}): the form almost every
     * announce gets, written straight into an array of its exact size.
     */
    public static byte[] encodeCompact(CompactAnnounceResult result, int interval, int minInterval) {
        return encodeCompact(result.ipv4(), result.ipv6(), result.onion(), interval, minInterval,
                result.counts().complete(), result.counts().incomplete());
    }

    private static byte[] encodeCompact(CompactPeers.Encoded peers, int interval, int minInterval, int complete,
            int incomplete) {
        return encodeCompact(peers.ipv4(), peers.ipv6(), peers.onion(), interval, minInterval, complete, incomplete);
    }

    /**
     * Keys in the byte order BEP 3 requires (complete, incomplete, interval, min interval, peers, peers6,
     * peers_onion); {@code AnnounceResponseTest} checks the bytes against the generic encoder's.
     */
    private static byte[] encodeCompact(byte[] ipv4, byte[] ipv6, byte[] onion, int interval, int minInterval,
            int complete, int incomplete) {
        int length = 2 + integerLength(COMPLETE, complete) + integerLength(INCOMPLETE, incomplete)
                + integerLength(INTERVAL, interval) + integerLength(MIN_INTERVAL, minInterval)
                + stringLength(PEERS, ipv4) + (ipv6.length > 0 ? stringLength(PEERS6, ipv6) : 0)
                + (onion.length > 0 ? stringLength(PEERS_ONION, onion) : 0);
        byte[] out = new byte[length];
        int at = 0;
        out[at++] = 'd';
        at = integer(out, at, COMPLETE, complete);
        at = integer(out, at, INCOMPLETE, incomplete);
        at = integer(out, at, INTERVAL, interval);
        at = integer(out, at, MIN_INTERVAL, minInterval);
        at = string(out, at, PEERS, ipv4);
        if (ipv6.length > 0) {
            at = string(out, at, PEERS6, ipv6);
        }
        if (onion.length > 0) {
            at = string(out, at, PEERS_ONION, onion);
        }
        out[at] = 'e';
        return out;
    }

    private static final byte[] COMPLETE = ascii("8:complete");
    private static final byte[] INCOMPLETE = ascii("10:incomplete");
    private static final byte[] INTERVAL = ascii("8:interval");
    private static final byte[] MIN_INTERVAL = ascii("12:min interval");
    private static final byte[] PEERS = ascii("5:peers");
    private static final byte[] PEERS6 = ascii("6:peers6");
    private static final byte[] PEERS_ONION = ascii("11:peers_onion");

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static int digits(long value) {
        int n = value < 0 ? 2 : 1;
        for (long v = Math.abs(value); v >= 10; v /= 10) {
            n++;
        }
        return n;
    }

    private static int integerLength(byte[] encodedKey, int value) {
        return encodedKey.length + 2 + digits(value);
    }

    private static int stringLength(byte[] encodedKey, byte[] value) {
        return encodedKey.length + digits(value.length) + 1 + value.length;
    }

    private static int integer(byte[] out, int at, byte[] encodedKey, int value) {
        System.arraycopy(encodedKey, 0, out, at, encodedKey.length);
        at += encodedKey.length;
        out[at++] = 'i';
        at = decimal(out, at, value);
        out[at++] = 'e';
        return at;
    }

    private static int string(byte[] out, int at, byte[] encodedKey, byte[] value) {
        System.arraycopy(encodedKey, 0, out, at, encodedKey.length);
        at += encodedKey.length;
        at = decimal(out, at, value.length);
        out[at++] = ':';
        System.arraycopy(value, 0, out, at, value.length);
        return at + value.length;
    }

    private static int decimal(byte[] out, int at, long value) {
        if (value < 0) {
            out[at++] = '-';
            value = -value;
        }
        int end = at + digits(value);
        int i = end;
        do {
            out[--i] = (byte) ('0' + value % 10);
            value /= 10;
        } while (value > 0);
        return end;
    }

    /** The bencoded {@code failure reason} answer (BEP 3). */
    public static byte[] failure(String reason) {
        return BencodeEncoder.encode(BencodeDictionary.builder().put("failure reason", reason).build());
    }

    /**
     * Parses a tracker's answer.
     *
     * @throws TrackerFailureException if the tracker answered {@code failure reason}
     * @throws TrackerResponseException if the answer is not a valid announce response
     */
    public static AnnounceResponse parse(byte[] body) throws TrackerFailureException, TrackerResponseException {
        BencodeDictionary d;
        try {
            // Lenient: trackers in the wild do not always sort their keys.
            d = BencodeDecoder.lenient().withLimits(RESPONSE_LIMITS).decodeDictionary(body);
        } catch (BencodeException e) {
            throw new TrackerResponseException("announce response is not a bencoded dictionary: " + e.getMessage(), e);
        }
        Optional<String> failure = text(d, "failure reason");
        if (failure.isPresent()) {
            throw new TrackerFailureException(failure.get());
        }
        long interval = integer(d, "interval").orElseThrow(() -> new TrackerResponseException(
                "announce response has no interval"));
        if (interval < 0 || interval > Integer.MAX_VALUE) {
            throw new TrackerResponseException("interval out of range: " + interval);
        }
        long minInterval = integer(d, "min interval").orElse(interval);
        List<TransportAddress> peers = new ArrayList<>();
        Optional<BencodeValue> v4 = d.get("peers");
        if (v4.isPresent() && v4.get() instanceof BencodeString s) {
            peers.addAll(CompactPeers.decodeIpv4(s.bytes()));
        } else if (v4.isPresent() && v4.get() instanceof BencodeList list) {
            peers.addAll(dictionaryPeers(list));
        } else if (v4.isPresent()) {
            throw new TrackerResponseException("peers is neither a string nor a list");
        }
        Optional<byte[]> v6 = bytes(d, "peers6");
        if (v6.isPresent()) {
            peers.addAll(CompactPeers.decodeIpv6(v6.get()));
        }
        Optional<byte[]> onion = bytes(d, "peers_onion");
        if (onion.isPresent()) {
            peers.addAll(CompactPeers.decodeOnion(onion.get()));
        }
        return new AnnounceResponse((int) interval, (int) Math.max(0, Math.min(Integer.MAX_VALUE, minInterval)),
                (int) clampCount(integer(d, "complete").orElse(-1L)),
                (int) clampCount(integer(d, "incomplete").orElse(-1L)), text(d, "warning message"), peers);
    }

    private static List<TransportAddress> dictionaryPeers(BencodeList list) throws TrackerResponseException {
        List<TransportAddress> out = new ArrayList<>(list.size());
        for (BencodeValue value : list.values()) {
            if (!(value instanceof BencodeDictionary peer)) {
                throw new TrackerResponseException("an entry of peers is not a dictionary");
            }
            String ip = text(peer, "ip").orElseThrow(() -> new TrackerResponseException("a peer has no ip"));
            long port = integer(peer, "port").orElseThrow(() -> new TrackerResponseException("a peer has no port"));
            try {
                out.add(new TransportAddress(ip, (int) Math.max(0, Math.min(port, 65536))));
            } catch (IllegalArgumentException e) {
                throw new TrackerResponseException("bad peer address: " + e.getMessage(), e);
            }
        }
        return out;
    }

    private static long clampCount(long n) {
        return Math.max(-1, Math.min(Integer.MAX_VALUE, n));
    }

    static Optional<Long> integer(BencodeDictionary d, String key) throws TrackerResponseException {
        Optional<BencodeValue> v = d.get(key);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        if (v.get() instanceof BencodeInteger i) {
            return Optional.of(i.value());
        }
        throw new TrackerResponseException(key + " is not an integer");
    }

    static Optional<byte[]> bytes(BencodeDictionary d, String key) throws TrackerResponseException {
        Optional<BencodeValue> v = d.get(key);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        if (v.get() instanceof BencodeString s) {
            return Optional.of(s.bytes());
        }
        throw new TrackerResponseException(key + " is not a string");
    }

    static Optional<String> text(BencodeDictionary d, String key) throws TrackerResponseException {
        return bytes(d, key).map(b -> new String(b, StandardCharsets.UTF_8));
    }
}
