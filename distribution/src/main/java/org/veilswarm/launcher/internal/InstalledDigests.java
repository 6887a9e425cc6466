package org.veilswarm.launcher.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Properties;

/**
 * SHA-256 of the jar each launcher-managed bundle was last installed or updated from, keyed by bundle
 * location. Kept in the system bundle's data area inside the framework storage, so it lives and dies with
 * felix-cache: a wiped cache means a fresh install, never a stale record.
 *
 * <p>Comparing content rather than Bundle-Version matters for snapshots: reproducible builds give every
 * rebuild of a {@code -SNAPSHOT} bundle the same Bundle-Version.
 */
final class InstalledDigests {

    private final Path file;
    private final Properties digests = new Properties();

    private InstalledDigests(Path file) {
        this.file = file;
    }

    static InstalledDigests load(Path file) {
        InstalledDigests d = new InstalledDigests(file);
        if (Files.isRegularFile(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                d.digests.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read " + file, e);
            }
        }
        return d;
    }

    Optional<String> get(String location) {
        return Optional.ofNullable(digests.getProperty(location));
    }

    void put(String location, String digest) {
        digests.setProperty(location, digest);
    }

    void remove(String location) {
        digests.remove(location);
    }

    /** Written to a temporary file and moved into place, so a crash never leaves half a file. */
    void save() {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
            try (OutputStream out = Files.newOutputStream(tmp)) {
                digests.store(out, "SHA-256 of the jar each Veilswarm launcher bundle was installed from");
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
    }

    static String sha256(Path jar) {
        try (InputStream in = Files.newInputStream(jar)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) > 0;) {
                md.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + jar, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is mandatory in every JRE", e);
        }
    }
}
