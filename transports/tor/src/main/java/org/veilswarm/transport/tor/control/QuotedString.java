package org.veilswarm.transport.tor.control;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * control-spec §2.1.1 QuotedString: a double-quoted string with C-style backslash escapes. tor decodes
 * {@code \\ \" \' \n \r \t} and octal {@code \ooo} escapes; we write the named escapes and octal for
 * other control characters, so no CR or LF ever reaches the wire inside an argument.
 */
public final class QuotedString {
    private QuotedString() {
    }

    /** {@code value} as a QuotedString, quotes included. Non-ASCII text is sent as UTF-8. */
    public static String quote(String value) {
        StringBuilder out = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '"' -> out.append("\\\"");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        out.append('\\').append((char) ('0' + ((c >> 6) & 7))).append((char) ('0' + ((c >> 3) & 7)))
                                .append((char) ('0' + (c & 7)));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    /** A decoded QuotedString and the index just after its closing quote. */
    public record Parsed(String value, int end) {
    }

    /**
     * Decodes the QuotedString starting at {@code start} (which must be a {@code "}). Octal escapes
     * yield bytes, and the bytes are read as UTF-8, so tor's escaped non-ASCII paths come back intact.
     *
     * @throws IllegalArgumentException when there is no opening or closing quote
     */
    public static Parsed unquote(String text, int start) {
        if (start >= text.length() || text.charAt(start) != '"') {
            throw new IllegalArgumentException("QuotedString must start with '\"' at index " + start);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int i = start + 1;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '"') {
                return new Parsed(bytes.toString(StandardCharsets.UTF_8), i + 1);
            }
            if (c != '\\') {
                bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
                i++;
                continue;
            }
            if (i + 1 >= text.length()) {
                break;
            }
            char e = text.charAt(i + 1);
            i += 2;
            switch (e) {
                case 'n' -> bytes.write('\n');
                case 'r' -> bytes.write('\r');
                case 't' -> bytes.write('\t');
                default -> {
                    if (e >= '0' && e <= '7') {
                        int v = e - '0';
                        for (int k = 0; k < 2 && i < text.length() && text.charAt(i) >= '0' && text.charAt(i) <= '7'; k++) {
                            v = v * 8 + (text.charAt(i++) - '0');
                        }
                        bytes.write(v & 0xff);
                    } else {
                        bytes.writeBytes(String.valueOf(e).getBytes(StandardCharsets.UTF_8));
                    }
                }
            }
        }
        throw new IllegalArgumentException("QuotedString has no closing quote");
    }

    /** {@link #unquote(String, int)} of a whole string that must be exactly one QuotedString. */
    public static String unquote(String text) {
        Parsed parsed = unquote(text, 0);
        if (parsed.end() != text.length()) {
            throw new IllegalArgumentException("text after the closing quote");
        }
        return parsed.value();
    }
}
