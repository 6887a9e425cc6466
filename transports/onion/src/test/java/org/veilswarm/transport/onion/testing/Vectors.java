package org.veilswarm.transport.onion.testing;

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
 * Reads the test vector files under {@code src/test/resources/vectors/}: records of {@code key: value}
 * lines separated by blank lines; {@code #} starts a comment line.
 */
public final class Vectors {
    private Vectors() {
    }

    /** One record; hex values may contain spaces. */
    public record Vector(Map<String, String> fields) {
        public String name() {
            return get("name");
        }

        public String get(String key) {
            String value = fields.get(key);
            if (value == null) {
                throw new IllegalArgumentException("vector " + fields.get("name") + " has no " + key);
            }
            return value;
        }

        public String getOr(String key, String fallback) {
            return fields.getOrDefault(key, fallback);
        }

        public boolean has(String key) {
            return fields.containsKey(key);
        }

        public byte[] hex(String key) {
            return Vectors.hex(get(key));
        }

        public int integer(String key) {
            return Integer.parseInt(get(key).trim());
        }

        @Override
        public String toString() {
            return fields.getOrDefault("name", fields.toString());
        }
    }

    public static byte[] hex(String text) {
        return HexFormat.of().parseHex(text.replaceAll("\\s+", "").toLowerCase());
    }

    public static List<Vector> load(String resource) {
        InputStream in = Vectors.class.getResourceAsStream("/vectors/" + resource);
        if (in == null) {
            throw new IllegalArgumentException("no test vectors at /vectors/" + resource);
        }
        List<Vector> vectors = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            Map<String, String> current = new LinkedHashMap<>();
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.startsWith("#")) {
                    continue;
                }
                if (line.isBlank()) {
                    if (!current.isEmpty()) {
                        vectors.add(new Vector(current));
                        current = new LinkedHashMap<>();
                    }
                    continue;
                }
                int colon = line.indexOf(':');
                if (colon < 0) {
                    throw new IllegalArgumentException(resource + ": not a key: value line: " + line);
                }
                current.put(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
            }
            if (!current.isEmpty()) {
                vectors.add(new Vector(current));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (vectors.isEmpty()) {
            throw new IllegalArgumentException(resource + " holds no vectors");
        }
        return vectors;
    }

    /** A single-record file (like ntor.txt). */
    public static Vector single(String resource) {
        List<Vector> all = load(resource);
        if (all.size() != 1) {
            throw new IllegalArgumentException(resource + " should hold one record, holds " + all.size());
        }
        return all.get(0);
    }
}
