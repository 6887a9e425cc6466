package org.veilswarm.console.impl.bundles;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Real archives for tests: bundles, plain jars, zips without a manifest. */
public final class TestArchives {

    private TestArchives() {
    }

    /** A jar whose manifest has exactly these main attributes (plus Manifest-Version) and one text entry. */
    public static Path jar(Path file, Map<String, String> headers) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        headers.forEach((k, v) -> manifest.getMainAttributes().putValue(k, v));
        try (OutputStream out = Files.newOutputStream(file); JarOutputStream jar = new JarOutputStream(out, manifest)) {
            jar.putNextEntry(new ZipEntry("readme.txt"));
            jar.write("test bundle".getBytes(StandardCharsets.US_ASCII));
            jar.closeEntry();
        }
        return file;
    }

    /** A minimal valid bundle with no imports, exports or activator. */
    public static Path bundle(Path file, String symbolicName, String version) throws IOException {
        return jar(file, Map.of("Bundle-ManifestVersion", "2", "Bundle-SymbolicName", symbolicName,
                "Bundle-Version", version, "Bundle-Name", "Test bundle " + symbolicName));
    }

    /** A zip with a class-like entry but no META-INF/MANIFEST.MF. */
    public static Path zipWithoutManifest(Path file) throws IOException {
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            zip.putNextEntry(new ZipEntry("org/example/Thing.class"));
            zip.write(new byte[] {(byte) 0xca, (byte) 0xfe, (byte) 0xba, (byte) 0xbe});
            zip.closeEntry();
        }
        return file;
    }
}
