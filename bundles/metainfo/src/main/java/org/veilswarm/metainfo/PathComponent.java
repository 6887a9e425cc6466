package org.veilswarm.metainfo;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

/**
 * One file or directory name from a torrent, checked to be safe and portable before anything is
 * written to disk under it. BEP 52 ("file tree") warns that keys may hold traversal sequences and
 * names reserved on some file systems; this class rejects them rather than silently renaming:
 *
 * <ul>
 *   <li>empty, {@code .} or {@code ..};</li>
 *   <li>a {@code /}, {@code \}, NUL or other control character (U+0000–U+001F, U+007F) inside;</li>
 *   <li>not well-formed UTF-8 (overlong forms and surrogates included, so nothing can normalise into a
 *   separator later);</li>
 *   <li>a Windows drive prefix ({@code C:...}) or reserved device name ({@code CON}, {@code PRN},
 *   {@code AUX}, {@code NUL}, {@code COM0}–{@code COM9}, {@code LPT0}–{@code LPT9}, with superscript
 *   digits too), also with an extension ({@code nul.txt}) or trailing spaces;</li>
 *   <li>a trailing dot or space (Windows strips them, so two names could collide);</li>
 *   <li>longer than {@value #MAX_BYTES} bytes of UTF-8.</li>
 * </ul>
 */
public final class PathComponent implements Comparable<PathComponent> {

    /** NAME_MAX of ext4, NTFS (in UTF-16 units) and most others. */
    public static final int MAX_BYTES = 255;

    private static final Set<String> RESERVED_STEMS = reservedStems();

    private final String name;
    private final byte[] utf8;

    private PathComponent(String name, byte[] utf8) {
        this.name = name;
        this.utf8 = utf8;
    }

    /** Validates raw bytes as found in a torrent. */
    public static PathComponent of(byte[] utf8) throws MetainfoException {
        String name;
        try {
            name = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(utf8))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new MetainfoException("path component " + printable(new String(utf8, StandardCharsets.UTF_8))
                    + " is not valid UTF-8");
        }
        String problem = problem(name, utf8.length);
        if (problem != null) {
            throw new MetainfoException("path component " + printable(name) + " " + problem);
        }
        return new PathComponent(name, utf8.clone());
    }

    /** Validates a name given as text (e.g. a local file name when creating a torrent). */
    public static PathComponent of(String name) throws MetainfoException {
        if (!StandardCharsets.UTF_8.newEncoder().canEncode(name)) {
            throw new MetainfoException("path component " + printable(name) + " is not valid Unicode");
        }
        return of(name.getBytes(StandardCharsets.UTF_8));
    }

    /** Why {@code name} is unacceptable, or null when it is fine. */
    private static String problem(String name, int byteLength) {
        if (name.isEmpty()) {
            return "is empty";
        }
        if (name.equals(".") || name.equals("..")) {
            return "is a relative directory reference";
        }
        if (byteLength > MAX_BYTES) {
            return "is longer than " + MAX_BYTES + " bytes";
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '/' || c == '\\') {
                return "contains a path separator";
            }
            if (c < 0x20 || c == 0x7f) {
                return "contains a control character (U+" + String.format("%04X", (int) c) + ")";
            }
        }
        char last = name.charAt(name.length() - 1);
        if (last == '.' || last == ' ') {
            return "ends with a dot or space";
        }
        if (name.length() >= 2 && name.charAt(1) == ':' && isAsciiLetter(name.charAt(0))) {
            return "starts with a Windows drive prefix";
        }
        int dot = name.indexOf('.');
        String stem = (dot < 0 ? name : name.substring(0, dot)).stripTrailing().toUpperCase(Locale.ROOT);
        if (RESERVED_STEMS.contains(stem)) {
            return "is a reserved device name on Windows";
        }
        return null;
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static Set<String> reservedStems() {
        java.util.HashSet<String> stems = new java.util.HashSet<>(Set.of("CON", "PRN", "AUX", "NUL"));
        for (String digit : new String[] {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "\u00b9", "\u00b2", "\u00b3"}) {
            stems.add("COM" + digit);
            stems.add("LPT" + digit);
        }
        return Set.copyOf(stems);
    }

    static String printable(String s) {
        StringBuilder b = new StringBuilder("\"");
        s.codePoints().limit(80).forEach(cp -> {
            if (cp < 0x20 || cp == 0x7f) {
                b.append(String.format("\\x%02x", cp));
            } else {
                b.appendCodePoint(cp);
            }
        });
        if (s.codePointCount(0, s.length()) > 80) {
            b.append("...");
        }
        return b.append('"').toString();
    }

    public String name() {
        return name;
    }

    public byte[] utf8() {
        return utf8.clone();
    }

    int byteLength() {
        return utf8.length;
    }

    /** Raw UTF-8 byte order: the order of keys in a BEP 52 file tree. */
    @Override
    public int compareTo(PathComponent o) {
        return java.util.Arrays.compareUnsigned(utf8, o.utf8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PathComponent p && name.equals(p.name);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    @Override
    public String toString() {
        return name;
    }
}
