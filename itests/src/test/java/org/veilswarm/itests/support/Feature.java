package org.veilswarm.itests.support;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parts of an OSGi feature (Compendium R8 ch. 159, JSON form) the tests need: its bundles with their
 * {@code start-order}, and its configurations.
 *
 * @param id the feature id, {@code groupId:artifactId:osgifeature:version}
 * @param bundles the bundles, in file order
 * @param configurations PID (or {@code factoryPid~name}) to typed properties
 * @param source where the feature was read from
 */
public record Feature(String id, List<Bundle> bundles, Map<String, Map<String, Object>> configurations, URL source) {

    /**
     * A bundle entry: Maven coordinates and the start level the launcher gives it.
     *
     * @param startOrder the feature's {@code start-order}; a bundle without one starts with the default level
     * @param classifier the Maven classifier (a native library's platform, such as {@code linux-x86_64}), or empty
     */
    public record Bundle(String groupId, String artifactId, String version, int startOrder, String classifier) {

        /** A jar without classifier. */
        public Bundle(String groupId, String artifactId, String version, int startOrder) {
            this(groupId, artifactId, version, startOrder, "");
        }

        /** {@code groupId:artifactId:version}, or {@code groupId:artifactId:jar:classifier:version}: the ch. 159 id. */
        public String id() {
            return classifier.isEmpty() ? groupId + ":" + artifactId + ":" + version
                    : groupId + ":" + artifactId + ":jar:" + classifier + ":" + version;
        }
    }

    /** Start level for a bundle entry that carries no start-order (Felix's default bundle start level). */
    public static final int DEFAULT_START_ORDER = 1;

    /** Reads a feature file. */
    @SuppressWarnings("unchecked")
    public static Feature read(URL source) throws IOException {
        String text;
        try (InputStream in = source.openStream()) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Map<String, Object> json;
        try {
            json = Json.object(text);
        } catch (IllegalArgumentException e) {
            throw new IOException(source + ": " + e.getMessage(), e);
        }
        String id = (String) json.get("id");
        if (id == null) {
            throw new IOException(source + ": feature has no id");
        }
        if (id.contains("${")) {
            throw new IOException(source + ": unfiltered feature (id " + id + "): read the build's output, not the source");
        }
        List<Bundle> bundles = new ArrayList<>();
        for (Object entry : (List<Object>) json.getOrDefault("bundles", List.of())) {
            bundles.add(bundle(source, entry));
        }
        Map<String, Map<String, Object>> configurations = new LinkedHashMap<>();
        Map<String, Object> configs = (Map<String, Object>) json.getOrDefault("configurations", Map.of());
        for (Map.Entry<String, Object> c : configs.entrySet()) {
            configurations.put(c.getKey(), properties(source, c.getKey(), (Map<String, Object>) c.getValue()));
        }
        return new Feature(id, List.copyOf(bundles), Collections.unmodifiableMap(configurations), source);
    }

    @SuppressWarnings("unchecked")
    private static Bundle bundle(URL source, Object entry) throws IOException {
        String bundleId;
        int startOrder = DEFAULT_START_ORDER;
        if (entry instanceof String s) {
            bundleId = s;
        } else if (entry instanceof Map<?, ?> m) {
            Map<String, Object> map = (Map<String, Object>) m;
            bundleId = (String) map.get("id");
            Object order = map.get("start-order");
            if (order instanceof BigDecimal n) {
                startOrder = n.intValueExact();
            } else if (order instanceof String s) {
                startOrder = Integer.parseInt(s.trim());
            }
        } else {
            throw new IOException(source + ": bundle entry is neither a string nor an object: " + entry);
        }
        String[] parts = bundleId == null ? new String[0] : bundleId.split(":");
        // ch. 159.2.2: groupId:artifactId[:type[:classifier]]:version; our features use the plain three-part form,
        // and the five-part one for jars with a classifier (Netty's native epoll library).
        if (!(parts.length == 3 || parts.length == 5 && parts[2].equals("jar")) || bundleId.contains("${")) {
            throw new IOException(source + ": bundle id '" + bundleId + "' is not groupId:artifactId:version"
                    + " or groupId:artifactId:jar:classifier:version");
        }
        if (startOrder < 1) {
            throw new IOException(source + ": start-order of " + bundleId + " must be >= 1, got " + startOrder);
        }
        return parts.length == 5 ? new Bundle(parts[0], parts[1], parts[4], startOrder, parts[3])
                : new Bundle(parts[0], parts[1], parts[2], startOrder);
    }

    /**
     * Converts a ch. 159 configuration to ConfigurationAdmin properties. Keys may carry a type after a colon
     * ({@code "port:Integer": 8080}); without one, JSON integers become {@code Long}, other numbers
     * {@code Double}, as Felix's cm.json does.
     */
    private static Map<String, Object> properties(URL source, String pid, Map<String, Object> json) throws IOException {
        Map<String, Object> props = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : json.entrySet()) {
            String key = e.getKey();
            String type = null;
            int colon = key.indexOf(':');
            if (colon > 0) {
                type = key.substring(colon + 1);
                key = key.substring(0, colon);
            }
            try {
                props.put(key, convert(e.getValue(), type));
            } catch (RuntimeException ex) {
                throw new IOException(source + ": configuration " + pid + ", property " + e.getKey() + ": " + ex.getMessage(), ex);
            }
        }
        return props;
    }

    private static Object convert(Object value, String type) {
        if (value instanceof List<?> list) {
            String elementType = type == null ? null : type.replace("[]", "");
            Object first = list.isEmpty() ? "" : convert(list.get(0), elementType);
            Object array = java.lang.reflect.Array.newInstance(first.getClass(), list.size());
            for (int i = 0; i < list.size(); i++) {
                java.lang.reflect.Array.set(array, i, convert(list.get(i), elementType));
            }
            return array;
        }
        if (type == null) {
            if (value instanceof BigDecimal n) {
                return n.scale() <= 0 ? (Object) n.longValueExact() : (Object) n.doubleValue();
            }
            return value;
        }
        return switch (type) {
            case "String" -> String.valueOf(value);
            case "Integer", "int" -> ((BigDecimal) value).intValueExact();
            case "Long", "long" -> ((BigDecimal) value).longValueExact();
            case "Double", "double" -> ((BigDecimal) value).doubleValue();
            case "Float", "float" -> ((BigDecimal) value).floatValue();
            case "Boolean", "boolean" -> (Boolean) value;
            default -> throw new IllegalArgumentException("unsupported type " + type);
        };
    }

    /** The properties as the Dictionary ConfigurationAdmin wants. */
    public static Hashtable<String, Object> dictionary(Map<String, Object> properties) {
        return new Hashtable<>(properties);
    }
}
