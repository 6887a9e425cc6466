package org.veilswarm.transport.onion.hs;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;
import org.veilswarm.transport.onion.hs.DescriptorException.Reason;

/**
 * The dir-spec §1.2 document meta-format as onion-service descriptors use it: items of
 * {@code Keyword [SP Argument]* NL} optionally followed by one object
 * {@code "-----BEGIN " Type "-----" NL Base64-encoded-data "-----END " Type "-----" NL}.
 *
 * <p>Parsing is strict and canonical: every item is re-encoded and must give back exactly the bytes it
 * came from (single spaces, no CR, no trailing blanks, 64-character base64 lines with padding). So a
 * parsed document always encodes to the same bytes.
 */
final class NetDoc {
    private static final Pattern KEYWORD = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]*");
    private static final Pattern OBJECT_TYPE = Pattern.compile("[A-Za-z0-9]+( [A-Za-z0-9]+)*");
    private static final int LINE_LENGTH = 64;

    /** One item; {@code objectType} and {@code object} are null when it carries no object. */
    record Item(String keyword, List<String> args, String objectType, byte[] object, int start, int end) {
        String arg(int index) {
            return args.get(index);
        }

        boolean hasObject() {
            return objectType != null;
        }
    }

    private NetDoc() {
    }

    /**
     * Splits {@code text} into items. {@code finalNewlineOptional} accepts a document whose last line
     * lacks its NL (C tor writes the first-layer plaintext that way, rend-spec-v3 §2.5.1.2).
     */
    static List<Item> parse(byte[] text, boolean finalNewlineOptional) throws DescriptorException {
        for (byte b : text) {
            if (b < 0x20 && b != '\n' || b >= 0x7f) {
                throw malformed("byte 0x" + Integer.toHexString(b & 0xff) + " outside printable ASCII");
            }
        }
        String doc = new String(text, StandardCharsets.US_ASCII);
        if (!doc.endsWith("\n") && !doc.isEmpty()) {
            if (!finalNewlineOptional) {
                throw malformed("document does not end with a newline");
            }
            doc = doc + "\n";
        }
        List<Item> items = new ArrayList<>();
        int pos = 0;
        while (pos < doc.length()) {
            int start = pos;
            int eol = doc.indexOf('\n', pos);
            String line = doc.substring(pos, eol);
            pos = eol + 1;
            if (line.startsWith("-----")) {
                throw malformed("object without an item before it: " + abbreviate(line));
            }
            String[] words = line.split(" ", -1);
            if (!KEYWORD.matcher(words[0]).matches()) {
                throw malformed("bad keyword line: " + abbreviate(line));
            }
            List<String> args = List.of(words).subList(1, words.length);
            for (String arg : args) {
                if (arg.isEmpty()) {
                    throw malformed("empty argument or extra space in: " + abbreviate(line));
                }
            }
            String objectType = null;
            byte[] object = null;
            if (pos < doc.length() && doc.startsWith("-----BEGIN ", pos)) {
                int beginEnd = doc.indexOf('\n', pos);
                String begin = doc.substring(pos, beginEnd);
                if (!begin.endsWith("-----") || begin.length() < 16) {
                    throw malformed("bad object begin line: " + abbreviate(begin));
                }
                objectType = begin.substring(11, begin.length() - 5);
                if (!OBJECT_TYPE.matcher(objectType).matches()) {
                    throw malformed("bad object type: " + abbreviate(objectType));
                }
                String endLine = "-----END " + objectType + "-----\n";
                int endAt = doc.indexOf(endLine, beginEnd + 1);
                if (endAt < 0) {
                    throw malformed("object " + objectType + " has no end line");
                }
                String body = doc.substring(beginEnd + 1, endAt).replace("\n", "");
                try {
                    object = Base64.getDecoder().decode(body);
                } catch (IllegalArgumentException e) {
                    throw malformed("object " + objectType + " is not base64: " + e.getMessage());
                }
                pos = endAt + endLine.length();
            }
            Item item = new Item(words[0], List.copyOf(args), objectType, object, start, pos);
            String canonical = encode(item);
            if (!doc.regionMatches(start, canonical, 0, canonical.length()) || canonical.length() != pos - start) {
                throw malformed("item '" + words[0] + "' is not in canonical form (spaces, line breaks or base64)");
            }
            items.add(item);
        }
        return items;
    }

    static String encode(Item item) {
        StringBuilder out = new StringBuilder();
        appendItem(out, item.keyword(), item.args());
        if (item.hasObject()) {
            appendObject(out, item.objectType(), item.object());
        }
        return out.toString();
    }

    static void appendItem(StringBuilder out, String keyword, List<String> args) {
        out.append(keyword);
        for (String arg : args) {
            out.append(' ').append(arg);
        }
        out.append('\n');
    }

    static void appendItem(StringBuilder out, String keyword, String... args) {
        appendItem(out, keyword, List.of(args));
    }

    static void appendObject(StringBuilder out, String type, byte[] data) {
        out.append("-----BEGIN ").append(type).append("-----\n");
        String b64 = Base64.getEncoder().encodeToString(data);
        for (int i = 0; i < b64.length(); i += LINE_LENGTH) {
            out.append(b64, i, Math.min(b64.length(), i + LINE_LENGTH)).append('\n');
        }
        out.append("-----END ").append(type).append("-----\n");
    }

    /** Strict base64 of exactly {@code length} bytes, padded or not as the caller says. */
    static byte[] base64(String text, int length, boolean padded, String what) throws DescriptorException {
        byte[] value;
        try {
            value = Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw malformed(what + " is not base64");
        }
        if (value.length != length) {
            throw malformed(what + " is " + value.length + " bytes, must be " + length);
        }
        if (!text.equals(base64(value, padded))) {
            throw malformed(what + " is not canonical " + (padded ? "padded" : "unpadded") + " base64");
        }
        return value;
    }

    static String base64(byte[] value, boolean padded) {
        return padded ? Base64.getEncoder().encodeToString(value)
                : Base64.getEncoder().withoutPadding().encodeToString(value);
    }

    static DescriptorException malformed(String message) {
        return new DescriptorException(Reason.MALFORMED, message);
    }

    private static String abbreviate(String text) {
        return text.length() <= 60 ? text : text.substring(0, 60) + "...";
    }
}
