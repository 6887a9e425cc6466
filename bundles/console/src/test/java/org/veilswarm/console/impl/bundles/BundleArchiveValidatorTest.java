package org.veilswarm.console.impl.bundles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Version;

class BundleArchiveValidatorTest {

    @TempDir
    Path dir;

    private String refusal(Path file) {
        return assertThrows(InvalidBundleException.class, () -> BundleArchiveValidator.validate(file)).getMessage();
    }

    @Test
    void acceptsAValidBundle() throws Exception {
        BundleArchive archive = BundleArchiveValidator.validate(
                TestArchives.bundle(dir.resolve("ok.jar"), "org.example.ok", "1.2.3.beta"));
        assertEquals("org.example.ok", archive.symbolicName());
        assertEquals(new Version(1, 2, 3, "beta"), archive.version());
        assertFalse(archive.fragment());
    }

    @Test
    void stripsDirectivesAndDefaultsTheVersion() throws Exception {
        BundleArchive archive = BundleArchiveValidator.validate(TestArchives.jar(dir.resolve("s.jar"), Map.of(
                "Bundle-ManifestVersion", "2", "Bundle-SymbolicName", "org.example.single; singleton:=true",
                "Fragment-Host", "org.example.host")));
        assertEquals("org.example.single", archive.symbolicName());
        assertEquals(Version.emptyVersion, archive.version());
        assertTrue(archive.fragment());
    }

    @Test
    void refusesAPlainJar() throws Exception {
        Path plain = TestArchives.jar(dir.resolve("plain.jar"), Map.of("Main-Class", "org.example.Main"));
        assertTrue(refusal(plain).contains("a plain jar?"), refusal(plain));
    }

    @Test
    void refusesAZipWithoutManifest() throws Exception {
        Path zip = TestArchives.zipWithoutManifest(dir.resolve("nomanifest.zip"));
        assertEquals("not an OSGi bundle: the archive has no META-INF/MANIFEST.MF", refusal(zip));
    }

    @Test
    void refusesRandomBytesAndEmptyFiles() throws IOException {
        byte[] noise = new byte[4096];
        new Random(7).nextBytes(noise);
        Path random = Files.write(dir.resolve("random.jar"), noise);
        assertTrue(refusal(random).startsWith("not a jar file"), refusal(random));
        Path empty = Files.write(dir.resolve("empty.jar"), new byte[0]);
        assertTrue(refusal(empty).startsWith("not a jar file"), refusal(empty));
    }

    @Test
    void refusesATruncatedJar() throws IOException {
        Path whole = TestArchives.bundle(dir.resolve("whole.jar"), "org.example.whole", "1.0.0");
        byte[] bytes = Files.readAllBytes(whole);
        Path half = Files.write(dir.resolve("half.jar"), java.util.Arrays.copyOf(bytes, bytes.length / 2));
        assertTrue(refusal(half).startsWith("not a jar file"), refusal(half));
    }

    @Test
    void refusesR3AndIncompleteManifests() throws IOException {
        Path r3 = TestArchives.jar(dir.resolve("r3.jar"), Map.of("Bundle-SymbolicName", "org.example.r3"));
        assertTrue(refusal(r3).contains("Bundle-ManifestVersion (missing)"), refusal(r3));
        Path v1 = TestArchives.jar(dir.resolve("v1.jar"), Map.of("Bundle-ManifestVersion", "1",
                "Bundle-SymbolicName", "org.example.v1"));
        assertTrue(refusal(v1).contains("unsupported Bundle-ManifestVersion '1'"), refusal(v1));
        Path noName = TestArchives.jar(dir.resolve("noname.jar"), Map.of("Bundle-ManifestVersion", "2"));
        assertEquals("not an OSGi bundle: the manifest has no Bundle-SymbolicName", refusal(noName));
    }

    @Test
    void refusesBadNamesAndVersions() throws IOException {
        Path badName = TestArchives.jar(dir.resolve("bn.jar"), Map.of("Bundle-ManifestVersion", "2",
                "Bundle-SymbolicName", "org..example"));
        assertTrue(refusal(badName).startsWith("invalid Bundle-SymbolicName 'org..example'"), refusal(badName));
        Path badVersion = TestArchives.jar(dir.resolve("bv.jar"), Map.of("Bundle-ManifestVersion", "2",
                "Bundle-SymbolicName", "org.example", "Bundle-Version", "1.x"));
        assertTrue(refusal(badVersion).startsWith("invalid Bundle-Version '1.x'"), refusal(badVersion));
    }

    @Test
    void refusesAManifestBombWithoutInflatingIt() throws IOException {
        // 10 MiB of header continuation lines compress to a few KiB: a small upload that would fill the heap.
        Path bomb = dir.resolve("bomb.jar");
        try (java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(Files.newOutputStream(bomb))) {
            zip.putNextEntry(new java.util.zip.ZipEntry("META-INF/MANIFEST.MF"));
            zip.write("Manifest-Version: 1.0\r\nBundle-ManifestVersion: 2\r\nBundle-SymbolicName: a\r\nX-Pad: x\r\n"
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            byte[] line = (" " + "y".repeat(69) + "\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            for (int written = 0; written < 10 * 1024 * 1024; written += line.length) {
                zip.write(line);
            }
            zip.closeEntry();
        }
        assertTrue(Files.size(bomb) < 1024 * 1024, "the test archive itself is small");
        assertEquals("manifest larger than 1 MiB", refusal(bomb));
    }

    @Test
    void acceptsAManifestJustUnderTheLimit() throws Exception {
        Path big = dir.resolve("big.jar");
        try (java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(Files.newOutputStream(big))) {
            zip.putNextEntry(new java.util.zip.ZipEntry("META-INF/MANIFEST.MF"));
            String head = "Manifest-Version: 1.0\r\nBundle-ManifestVersion: 2\r\nBundle-SymbolicName: org.example.big\r\n"
                    + "X-Pad: x\r\n";
            zip.write(head.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            byte[] line = (" " + "y".repeat(69) + "\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            int written = head.length();
            while (written + line.length + 2 <= BundleArchiveValidator.MAX_MANIFEST_BYTES) {
                zip.write(line);
                written += line.length;
            }
            zip.write("\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            zip.closeEntry();
        }
        assertEquals("org.example.big", BundleArchiveValidator.validate(big).symbolicName());
    }

    @Test
    void symbolicNameGrammar() {
        assertTrue(BundleArchiveValidator.isSymbolicName("a"));
        assertTrue(BundleArchiveValidator.isSymbolicName("org.example-x_y.z9"));
        for (String bad : new String[] {"", ".a", "a.", "a..b", "a b", "a/b", "ä"}) {
            assertFalse(BundleArchiveValidator.isSymbolicName(bad), bad);
        }
    }
}
