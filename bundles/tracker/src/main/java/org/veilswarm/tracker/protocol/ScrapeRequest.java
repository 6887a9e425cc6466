package org.veilswarm.tracker.protocol;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.veilswarm.api.tracker.InfoHash;

/**
 * A scrape's query (BEP 48): any number of {@code info_hash} parameters, each exactly 20 bytes. No
 * {@code info_hash} at all asks for every torrent the tracker is willing to report.
 */
public final class ScrapeRequest {
    private ScrapeRequest() {
    }

    /**
     * The distinct info-hashes asked for, in order.
     *
     * @throws TrackerRequestException for a malformed query, a hash that is not 20 bytes, or more than
     *                                 {@code maxHashes} hashes
     */
    public static List<InfoHash> parse(String rawQuery, int maxHashes) throws TrackerRequestException {
        List<byte[]> values = QueryParameters.parse(rawQuery).values("info_hash");
        if (values.size() > maxHashes) {
            throw new TrackerRequestException("too many info_hash parameters (at most " + maxHashes + ")");
        }
        Set<InfoHash> out = new LinkedHashSet<>();
        for (byte[] value : values) {
            if (value.length != 20) {
                throw new TrackerRequestException("info_hash must be 20 bytes, got " + value.length);
            }
            out.add(InfoHash.of(value));
        }
        return new ArrayList<>(out);
    }

    /** The query string asking for {@code infoHashes}, every byte percent-encoded. */
    public static String toQuery(List<InfoHash> infoHashes) {
        StringBuilder out = new StringBuilder();
        for (InfoHash hash : infoHashes) {
            out.append(out.length() == 0 ? "" : "&").append("info_hash=")
                    .append(PercentEncoding.encodeAll(hash.truncated().bytes()));
        }
        return out.toString();
    }
}
