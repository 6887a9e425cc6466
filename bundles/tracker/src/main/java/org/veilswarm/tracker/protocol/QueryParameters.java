package org.veilswarm.tracker.protocol;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A raw query string split into {@code name=value} pairs in order, each percent-decoded byte-exactly
 * ({@link PercentEncoding}). Names are compared as decoded bytes against ASCII names.
 */
public final class QueryParameters {
    /** Pairs accepted in one query: far above what any client sends (libtorrent: about 15). */
    public static final int MAX_PARAMETERS = 128;

    /** One decoded pair. */
    public record Parameter(String name, byte[] value) {
    }

    private final List<Parameter> parameters;

    private QueryParameters(List<Parameter> parameters) {
        this.parameters = parameters;
    }

    /**
     * Parses the part of a request target after {@code ?} (empty for none).
     *
     * @throws TrackerRequestException for a malformed escape, an unencoded byte or too many parameters
     */
    public static QueryParameters parse(String rawQuery) throws TrackerRequestException {
        List<Parameter> out = new ArrayList<>();
        int start = 0;
        int length = rawQuery.length();
        while (start < length) {
            int end = rawQuery.indexOf('&', start);
            if (end < 0) {
                end = length;
            }
            if (end > start) {
                if (out.size() == MAX_PARAMETERS) {
                    throw new TrackerRequestException("too many query parameters (at most " + MAX_PARAMETERS + ")");
                }
                int eq = rawQuery.indexOf('=', start);
                int nameEnd = eq < 0 || eq > end ? end : eq;
                String nameText = rawQuery.indexOf('%', start) < 0 || rawQuery.indexOf('%', start) >= nameEnd
                        ? plainName(rawQuery, start, nameEnd)
                        : new String(PercentEncoding.decode(rawQuery, start, nameEnd, "a parameter name"),
                                StandardCharsets.ISO_8859_1);
                byte[] value = nameEnd == end ? NO_BYTES
                        : PercentEncoding.decode(rawQuery, nameEnd + 1, end, nameText, true);
                out.add(new Parameter(nameText, value));
            }
            start = end + 1;
        }
        return new QueryParameters(List.copyOf(out));
    }

    private static final byte[] NO_BYTES = new byte[0];

    /**
     * A name without escapes, as {@link PercentEncoding#decode} would return it (same checks, same errors),
     * without the intermediate array: most names are short ASCII words.
     */
    private static String plainName(String rawQuery, int from, int to) throws TrackerRequestException {
        for (int i = from; i < to; i++) {
            char c = rawQuery.charAt(i);
            if (c <= 0x20 || c >= 0x7F) {
                throw new TrackerRequestException("unencoded byte 0x" + Integer.toHexString(c)
                        + " in a parameter name");
            }
        }
        return rawQuery.substring(from, to);
    }

    /** Every pair in order. */
    public List<Parameter> all() {
        return parameters;
    }

    /** Every value of {@code name}, in order. */
    public List<byte[]> values(String name) {
        return parameters.stream().filter(p -> p.name().equals(name)).map(Parameter::value).toList();
    }

    /**
     * The value of a parameter that may appear at most once.
     *
     * @throws TrackerRequestException if it appears more than once (a client that sends two {@code port}s is
     *                                 broken or probing; neither choice would be right)
     */
    public Optional<byte[]> single(String name) throws TrackerRequestException {
        byte[] found = null;
        for (Parameter p : parameters) {
            if (p.name().equals(name)) {
                if (found != null) {
                    throw new TrackerRequestException("duplicate parameter " + name);
                }
                found = p.value();
            }
        }
        return Optional.ofNullable(found);
    }

    /** The value of a required single-valued parameter. */
    public byte[] required(String name) throws TrackerRequestException {
        return single(name).orElseThrow(() -> new TrackerRequestException("missing parameter " + name));
    }

    /** At most 32 printable ASCII characters of {@code text}, for error messages. */
    static String printable(String text) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length() && out.length() < 32; i++) {
            char c = text.charAt(i);
            out.append(c > 0x20 && c < 0x7F ? c : '?');
        }
        return out.toString();
    }
}
