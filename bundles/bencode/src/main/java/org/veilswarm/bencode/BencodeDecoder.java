package org.veilswarm.bencode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Decodes one bencoded value (BEP 3) from a complete byte array. Immutable and thread-safe.
 *
 * <p>Always rejected: integers with a leading zero, {@code -0}, no digits, or outside 64 bits; string
 * lengths with a leading zero or past the end of the input; non-string dictionary keys; duplicate keys
 * (two clients could each read a different value); bytes after the value; anything over the
 * {@link BencodeLimits}.
 *
 * <p>Key order: the {@linkplain #strict() strict} decoder also rejects dictionaries whose keys are not in
 * raw byte order, so whatever it accepts re-encodes to exactly the same bytes. The
 * {@linkplain #lenient() lenient} decoder accepts unsorted keys (some older clients wrote them) and
 * records it in {@link BencodeDictionary#keysWereSorted()}; use {@link BencodeDictionary#rawValue} to hash
 * such input, never a re-encoding.
 */
public final class BencodeDecoder {

    private static final BencodeDecoder STRICT = new BencodeDecoder(BencodeLimits.DEFAULT, false);
    private static final BencodeDecoder LENIENT = new BencodeDecoder(BencodeLimits.DEFAULT, true);

    /** Enough digits for every long; more can only be an overflow. */
    private static final int MAX_INTEGER_DIGITS = 19;

    private final BencodeLimits limits;
    private final boolean acceptUnsortedKeys;

    private BencodeDecoder(BencodeLimits limits, boolean acceptUnsortedKeys) {
        this.limits = limits;
        this.acceptUnsortedKeys = acceptUnsortedKeys;
    }

    /** Canonical input only, {@link BencodeLimits#DEFAULT} limits. */
    public static BencodeDecoder strict() {
        return STRICT;
    }

    /** Like {@link #strict()} but accepts dictionary keys out of order (still unique). */
    public static BencodeDecoder lenient() {
        return LENIENT;
    }

    public BencodeDecoder withLimits(BencodeLimits newLimits) {
        return new BencodeDecoder(newLimits, acceptUnsortedKeys);
    }

    public BencodeLimits limits() {
        return limits;
    }

    public boolean acceptsUnsortedKeys() {
        return acceptUnsortedKeys;
    }

    /** Decodes {@code input}, which must hold exactly one value. */
    public BencodeValue decode(byte[] input) throws BencodeException {
        if (input.length > limits.maxInputBytes()) {
            throw new BencodeException(0, "input of " + input.length + " bytes exceeds the limit of "
                    + limits.maxInputBytes());
        }
        if (input.length == 0) {
            throw new BencodeException(0, "empty input");
        }
        // A private copy: spans handed out later must keep pointing at the bytes that were decoded.
        Parser parser = new Parser(input.clone());
        BencodeValue value = parser.value(1);
        if (parser.pos != input.length) {
            throw new BencodeException(parser.pos, (input.length - parser.pos) + " trailing bytes after the value");
        }
        return value;
    }

    /** Decodes {@code input} and requires the value to be a dictionary (as a metainfo file is). */
    public BencodeDictionary decodeDictionary(byte[] input) throws BencodeException {
        if (input.length > 0 && input[0] != 'd') {
            throw new BencodeException(0, "expected a dictionary ('d'), found " + describe(input[0]));
        }
        return (BencodeDictionary) decode(input);
    }

    private static String describe(byte b) {
        return b >= 0x21 && b <= 0x7e ? "'" + (char) b + "'" : String.format("byte 0x%02x", b & 0xff);
    }

    private final class Parser {
        private final byte[] in;
        private int pos;
        private int elements;

        Parser(byte[] in) {
            this.in = in;
        }

        BencodeValue value(int depth) throws BencodeException {
            if (++elements > limits.maxElements()) {
                throw new BencodeException(pos, "more than " + limits.maxElements() + " values");
            }
            if (pos >= in.length) {
                throw new BencodeException(pos, "unexpected end of input, expected a value");
            }
            byte b = in[pos];
            if (b == 'i') {
                return integer();
            } else if (b >= '0' && b <= '9') {
                return string();
            } else if (b == 'l') {
                return list(depth);
            } else if (b == 'd') {
                return dictionary(depth);
            }
            throw new BencodeException(pos, "expected a value ('i', 'l', 'd' or a digit), found " + describe(b));
        }

        private BencodeInteger integer() throws BencodeException {
            int start = pos;
            pos++; // 'i'
            boolean negative = pos < in.length && in[pos] == '-';
            if (negative) {
                pos++;
            }
            int digitsStart = pos;
            // Accumulate negatively so that Long.MIN_VALUE fits.
            long acc = 0;
            while (pos < in.length && in[pos] >= '0' && in[pos] <= '9') {
                if (pos - digitsStart >= MAX_INTEGER_DIGITS) {
                    throw new BencodeException(start, "integer does not fit in 64 bits");
                }
                int digit = in[pos] - '0';
                if (acc < (Long.MIN_VALUE + digit) / 10) {
                    throw new BencodeException(start, "integer does not fit in 64 bits");
                }
                acc = acc * 10 - digit;
                pos++;
            }
            int digits = pos - digitsStart;
            if (pos >= in.length) {
                throw new BencodeException(pos, "unexpected end of input inside an integer");
            }
            if (in[pos] != 'e') {
                throw new BencodeException(pos, "integer contains " + describe(in[pos]) + ", expected a digit or 'e'");
            }
            if (digits == 0) {
                throw new BencodeException(start, "integer has no digits");
            }
            if (in[digitsStart] == '0' && digits > 1) {
                throw new BencodeException(start, "integer has a leading zero");
            }
            if (negative && acc == 0) {
                throw new BencodeException(start, "integer is negative zero (i-0e)");
            }
            if (!negative && acc == Long.MIN_VALUE) {
                throw new BencodeException(start, "integer does not fit in 64 bits");
            }
            pos++; // 'e'
            return new BencodeInteger(negative ? acc : -acc);
        }

        private BencodeString string() throws BencodeException {
            int start = pos;
            long length = 0;
            while (pos < in.length && in[pos] >= '0' && in[pos] <= '9') {
                length = length * 10 + (in[pos] - '0');
                if (length > limits.maxStringBytes()) {
                    throw new BencodeException(start, "string length exceeds the limit of "
                            + limits.maxStringBytes() + " bytes");
                }
                pos++;
            }
            if (pos >= in.length) {
                throw new BencodeException(pos, "unexpected end of input inside a string length");
            }
            if (in[pos] != ':') {
                throw new BencodeException(pos, "string length contains " + describe(in[pos]) + ", expected a digit or ':'");
            }
            if (in[start] == '0' && pos - start > 1) {
                throw new BencodeException(start, "string length has a leading zero");
            }
            pos++; // ':'
            if (length > in.length - pos) {
                throw new BencodeException(start, "string of " + length + " bytes runs past the end of the input ("
                        + (in.length - pos) + " bytes left)");
            }
            byte[] bytes = Arrays.copyOfRange(in, pos, pos + (int) length);
            pos += (int) length;
            return BencodeString.wrap(bytes);
        }

        private BencodeList list(int depth) throws BencodeException {
            checkDepth(depth);
            pos++; // 'l'
            List<BencodeValue> values = new ArrayList<>();
            while (true) {
                if (pos >= in.length) {
                    throw new BencodeException(pos, "unexpected end of input inside a list");
                }
                if (in[pos] == 'e') {
                    pos++;
                    return new BencodeList(values);
                }
                values.add(value(depth + 1));
            }
        }

        private BencodeDictionary dictionary(int depth) throws BencodeException {
            checkDepth(depth);
            pos++; // 'd'
            TreeMap<BencodeString, BencodeValue> entries = new TreeMap<>();
            Map<BencodeString, ByteSpan> spans = new HashMap<>();
            BencodeString previous = null;
            boolean sorted = true;
            while (true) {
                if (pos >= in.length) {
                    throw new BencodeException(pos, "unexpected end of input inside a dictionary");
                }
                if (in[pos] == 'e') {
                    pos++;
                    return new BencodeDictionary(entries, spans, in, sorted);
                }
                int keyStart = pos;
                if (in[pos] < '0' || in[pos] > '9') {
                    throw new BencodeException(pos, "dictionary key must be a byte string, found " + describe(in[pos]));
                }
                if (++elements > limits.maxElements()) {
                    throw new BencodeException(pos, "more than " + limits.maxElements() + " values");
                }
                BencodeString key = string();
                if (entries.containsKey(key)) {
                    throw new BencodeException(keyStart, "duplicate dictionary key " + key);
                }
                if (previous != null && previous.compareTo(key) > 0) {
                    if (!acceptUnsortedKeys) {
                        throw new BencodeException(keyStart, "dictionary key " + key + " is not in sorted order (after "
                                + previous + ")");
                    }
                    sorted = false;
                }
                int valueStart = pos;
                BencodeValue value = value(depth + 1);
                entries.put(key, value);
                spans.put(key, new ByteSpan(valueStart, pos - valueStart));
                previous = key;
            }
        }

        private void checkDepth(int depth) throws BencodeException {
            if (depth > limits.maxDepth()) {
                throw new BencodeException(pos, "nesting deeper than " + limits.maxDepth() + " levels");
            }
        }
    }
}
