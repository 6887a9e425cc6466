package org.veilswarm.launcher;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;

/** Small bundles made on the fly (a manifest, optionally a marker resource) and feature files listing them. */
final class TestBundles {

    private TestBundles() {
    }

    /** A bundle jar in Maven repository layout under {@code repo}: {@code org.example:<artifactId>:<version>}. */
    static Path bundle(Path repo, String artifactId, String version, Map<String, String> extraHeaders) {
        Path jar = repo.resolve("org/example").resolve(artifactId).resolve(version)
                .resolve(artifactId + "-" + version + ".jar");
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Bundle-ManifestVersion", "2");
        headers.put("Bundle-SymbolicName", "org.example." + artifactId);
        headers.put("Bundle-Version", version);
        headers.putAll(extraHeaders);
        write(jar, headers);
        return jar;
    }

    static void write(Path jar, Map<String, String> headers) {
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        headers.forEach((k, v) -> m.getMainAttributes().putValue(k, v));
        try {
            Files.createDirectories(jar.getParent());
            try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, m)) {
                j.flush();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code <dir>/<name>.json} listing {@code org.example:<artifactId>:<version>} entries with start-order 1. */
    static void feature(Path dir, String name, List<String> artifactIdColonVersion, String configurationsJson) {
        String bundles = artifactIdColonVersion.stream()
                .map(av -> "{ \"id\": \"org.example:" + av + "\", \"start-order\": 1 }")
                .collect(Collectors.joining(",\n    "));
        String json = "{\n  \"feature-resource-version\": \"1.0\",\n  \"id\": \"org.example:" + name + ":osgifeature:1.0.0\",\n"
                + "  \"bundles\": [\n    " + bundles + "\n  ]"
                + (configurationsJson == null ? "" : ",\n  \"configurations\": " + configurationsJson) + "\n}\n";
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(name + ".json"), json, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
