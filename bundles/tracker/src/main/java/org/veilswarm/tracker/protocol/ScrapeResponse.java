package org.veilswarm.tracker.protocol;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.veilswarm.api.tracker.InfoHash;
import org.veilswarm.api.tracker.SwarmCounts;
import org.veilswarm.bencode.BencodeDecoder;
import org.veilswarm.bencode.BencodeDictionary;
import org.veilswarm.bencode.BencodeEncoder;
import org.veilswarm.bencode.BencodeException;
import org.veilswarm.bencode.BencodeString;
import org.veilswarm.bencode.BencodeValue;

/** A scrape answer (BEP 48): {@code files} maps each 20-byte info-hash to complete, downloaded, incomplete. */
public final class ScrapeResponse {
    private ScrapeResponse() {
    }

    /** The bencoded answer. */
    public static byte[] encode(Map<InfoHash, SwarmCounts> files) {
        BencodeDictionary.Builder filesDict = BencodeDictionary.builder();
        for (Map.Entry<InfoHash, SwarmCounts> e : files.entrySet()) {
            SwarmCounts c = e.getValue();
            filesDict.put(BencodeString.of(e.getKey().truncated().bytes()), BencodeDictionary.builder()
                    .put("complete", c.complete())
                    .put("downloaded", c.downloaded())
                    .put("incomplete", c.incomplete())
                    .build());
        }
        return BencodeEncoder.encode(BencodeDictionary.builder().put("files", filesDict.build()).build());
    }

    /** Parses a scrape answer. */
    public static Map<InfoHash, SwarmCounts> parse(byte[] body) throws TrackerFailureException,
            TrackerResponseException {
        BencodeDictionary d;
        try {
            d = BencodeDecoder.lenient().withLimits(AnnounceResponse.RESPONSE_LIMITS).decodeDictionary(body);
        } catch (BencodeException e) {
            throw new TrackerResponseException("scrape response is not a bencoded dictionary: " + e.getMessage(), e);
        }
        Optional<String> failure = AnnounceResponse.text(d, "failure reason");
        if (failure.isPresent()) {
            throw new TrackerFailureException(failure.get());
        }
        if (!(d.get("files").orElse(null) instanceof BencodeDictionary files)) {
            throw new TrackerResponseException("scrape response has no files dictionary");
        }
        Map<InfoHash, SwarmCounts> out = new LinkedHashMap<>();
        for (Map.Entry<BencodeString, BencodeValue> e : files.entries().entrySet()) {
            if (e.getKey().length() != 20 || !(e.getValue() instanceof BencodeDictionary counts)) {
                throw new TrackerResponseException("files has an entry that is not a 20-byte hash and a dictionary");
            }
            out.put(InfoHash.of(e.getKey().bytes()), new SwarmCounts(
                    (int) AnnounceResponse.integer(counts, "complete").orElse(0L).longValue(),
                    (int) AnnounceResponse.integer(counts, "incomplete").orElse(0L).longValue(),
                    AnnounceResponse.integer(counts, "downloaded").orElse(0L)));
        }
        return out;
    }
}
