package org.veilswarm.share.reveal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.veilswarm.share.api.RevealFinding.Kind;

/**
 * Finds {@code /Author} and {@code /Creator} in a PDF's document information dictionary (ISO 32000-1 §14.3.3)
 * within the bytes read (the head and the tail of the file, where writers put the trailer's Info object).
 * Literal strings (§7.3.4.2, with backslash escapes) and hexadecimal strings (§7.3.4.3, UTF-16BE with a BOM or
 * PDFDocEncoding read as Latin-1) are decoded; compressed object streams are not opened (see docs/shares.md).
 */
final class PdfInfoReader {
    private static final Pattern ENTRY = Pattern.compile("/(Author|Creator)\\s*(\\((?:\\\\.|[^\\\\)]){0,400}\\)|<[0-9A-Fa-f\\s]{0,800}>)");

    record Found(Kind kind, String detail) {
    }

    private PdfInfoReader() {
    }

    static boolean isPdf(byte[] head, int length) {
        return length >= 5 && new String(head, 0, 5, StandardCharsets.ISO_8859_1).equals("%PDF-");
    }

    static List<Found> read(byte[]... parts) {
        List<Found> found = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (byte[] part : parts) {
            Matcher m = ENTRY.matcher(new String(part, StandardCharsets.ISO_8859_1));
            while (m.find()) {
                String value = Text.clean(decode(m.group(2)));
                if (value.isEmpty() || !seen.add(m.group(1) + value)) {
                    continue;
                }
                Kind kind = m.group(1).equals("Author") ? Kind.PDF_AUTHOR : Kind.PDF_CREATOR;
                found.add(new Found(kind, m.group(1) + ": " + value));
            }
        }
        return found;
    }

    private static String decode(String token) {
        byte[] bytes = token.startsWith("(") ? literal(token.substring(1, token.length() - 1)) : hex(token);
        if (bytes.length >= 2 && (bytes[0] & 0xFF) == 0xFE && (bytes[1] & 0xFF) == 0xFF) {
            return new String(bytes, 2, bytes.length - 2, StandardCharsets.UTF_16BE);
        }
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    private static byte[] literal(String s) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                switch (n) {
                    case 'n' -> out.write('\n');
                    case 'r' -> out.write('\r');
                    case 't' -> out.write('\t');
                    case 'b', 'f' -> out.write(' ');
                    default -> {
                        if (n >= '0' && n <= '7') {
                            int v = n - '0';
                            for (int k = 0; k < 2 && i + 1 < s.length() && s.charAt(i + 1) >= '0' && s.charAt(i + 1) <= '7'; k++) {
                                v = v * 8 + (s.charAt(++i) - '0');
                            }
                            out.write(v & 0xFF);
                        } else {
                            out.write(n);
                        }
                    }
                }
            } else {
                out.write(c);
            }
        }
        return out.toByteArray();
    }

    private static byte[] hex(String token) {
        String digits = token.substring(1, token.length() - 1).replaceAll("\\s", "");
        if (digits.length() % 2 == 1) {
            digits = digits + "0"; // §7.3.4.3: a missing final digit is 0
        }
        byte[] out = new byte[digits.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Integer.parseInt(digits.substring(2 * i, 2 * i + 2), 16);
        }
        return out;
    }
}
