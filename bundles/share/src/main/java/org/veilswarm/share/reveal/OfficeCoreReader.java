package org.veilswarm.share.reveal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import org.veilswarm.share.api.RevealFinding.Kind;

/**
 * Finds {@code dc:creator} and {@code cp:lastModifiedBy} in an Office Open XML file's {@code docProps/core.xml}
 * (ECMA-376 Part 2 §11, core properties). Only that one entry is read, at most {@link #MAX_CORE_BYTES}; the XML
 * is matched by element name rather than parsed, so no entity or DTD processing can be triggered.
 */
final class OfficeCoreReader {
    static final int MAX_CORE_BYTES = 64 * 1024;
    private static final Pattern ELEMENT = Pattern.compile(
            "<(?:[A-Za-z0-9]+:)?(creator|lastModifiedBy)(?:\\s[^>]*)?>([^<]{1,400})</");
    private static final List<String> EXTENSIONS = List.of(".docx", ".docm", ".xlsx", ".xlsm", ".pptx", ".pptm");

    record Found(Kind kind, String detail) {
    }

    private OfficeCoreReader() {
    }

    static boolean isOffice(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return EXTENSIONS.stream().anyMatch(name::endsWith);
    }

    static List<Found> read(Path file) throws IOException {
        List<Found> found = new ArrayList<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry core = zip.getEntry("docProps/core.xml");
            if (core == null) {
                return found;
            }
            byte[] bytes;
            try (InputStream in = zip.getInputStream(core)) {
                bytes = in.readNBytes(MAX_CORE_BYTES);
            }
            Matcher m = ELEMENT.matcher(new String(bytes, StandardCharsets.UTF_8));
            while (m.find()) {
                String value = Text.clean(unescape(m.group(2)));
                if (!value.isEmpty()) {
                    found.add(new Found(Kind.OFFICE_AUTHOR, m.group(1) + ": " + value));
                }
            }
        }
        return found;
    }

    private static String unescape(String s) {
        return s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'")
                .replace("&amp;", "&");
    }
}
