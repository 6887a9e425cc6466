package org.veilswarm.crypto;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the test-vector files under {@code src/test/resources/vectors/}: records separated by
 * blank lines, {@code key = value} lines, indented lines continuing the previous value (long hex
 * strings wrapped as in the RFCs), {@code #} comments.
 */
public final class Vectors {
    private static final HexFormat HEX = HexFormat.of();

    private Vectors() {
    }

    public static List<Map<String, String>> load(String fileName) {
        String resource = "/vectors/" + fileName;
        try (InputStream in = Vectors.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + resource);
            }
            return parse(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Map<String, String>> parse(BufferedReader reader) throws IOException {
        List<Map<String, String>> records = new ArrayList<>();
        Map<String, String> current = new LinkedHashMap<>();
        String lastKey = null;
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            if (line.startsWith("#")) {
                continue;
            }
            if (line.isBlank()) {
                if (!current.isEmpty()) {
                    records.add(current);
                    current = new LinkedHashMap<>();
                }
                lastKey = null;
            } else if (Character.isWhitespace(line.charAt(0))) {
                if (lastKey == null) {
                    throw new IllegalStateException("continuation line without a key: " + line);
                }
                current.put(lastKey, current.get(lastKey) + line.strip());
            } else {
                int equals = line.indexOf('=');
                if (equals < 0) {
                    throw new IllegalStateException("not a key = value line: " + line);
                }
                lastKey = line.substring(0, equals).strip();
                if (current.put(lastKey, line.substring(equals + 1).strip()) != null) {
                    throw new IllegalStateException("duplicate key " + lastKey + " in one record");
                }
            }
        }
        if (!current.isEmpty()) {
            records.add(current);
        }
        return records;
    }

    public static byte[] hex(String hex) {
        return HEX.parseHex(hex);
    }

    public static String hex(byte[] bytes) {
        return HEX.formatHex(bytes);
    }

    /** The named hex field of a record; fails loudly if the file lacks it. */
    public static byte[] bytes(Map<String, String> record, String key) {
        String value = record.get(key);
        if (value == null) {
            throw new IllegalStateException("vector record " + record + " lacks " + key);
        }
        return hex(value);
    }
}
