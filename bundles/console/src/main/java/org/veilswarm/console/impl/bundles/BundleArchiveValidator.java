package org.veilswarm.console.impl.bundles;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

import org.osgi.framework.Constants;
import org.osgi.framework.Version;

/**
 * Checks, before anything is installed, that a file is an OSGi bundle: a readable jar whose manifest declares
 * {@code Bundle-ManifestVersion: 2} and a {@code Bundle-SymbolicName} (OSGi Core R8 §3.2.1, §3.12).
 *
 * <p>The framework would refuse most bad archives too, but late and with less helpful messages, and a plain
 * jar without OSGi headers it would install as a legacy bundle with a made-up name. Refusing early keeps the
 * framework untouched by a bad upload.
 */
public final class BundleArchiveValidator {

    /** Real manifests are a few KiB; a bigger one is most likely a zip bomb aimed at the heap. */
    static final int MAX_MANIFEST_BYTES = 1024 * 1024;

    private BundleArchiveValidator() {
    }

    /** Validates {@code file}; returns its identity or throws with the reason. */
    public static BundleArchive validate(Path file) throws InvalidBundleException, IOException {
        Manifest manifest;
        // ZipFile rather than JarFile.getManifest(), which inflates the whole entry into memory.
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry entry = zip.getEntry(JarFile.MANIFEST_NAME);
            if (entry == null) {
                throw new InvalidBundleException("not an OSGi bundle: the archive has no META-INF/MANIFEST.MF");
            }
            byte[] bytes;
            try (InputStream in = zip.getInputStream(entry)) {
                bytes = in.readNBytes(MAX_MANIFEST_BYTES + 1);
            }
            if (bytes.length > MAX_MANIFEST_BYTES) {
                throw new InvalidBundleException("manifest larger than 1 MiB");
            }
            manifest = parse(bytes);
        } catch (ZipException e) {
            throw new InvalidBundleException("not a jar file (unreadable as a zip archive: " + e.getMessage() + ")");
        } catch (SecurityException e) {
            throw new InvalidBundleException("the jar's manifest or signature is corrupt: " + e.getMessage());
        } catch (IOException e) {
            if (e.getCause() instanceof ZipException || String.valueOf(e.getMessage()).contains("zip")) {
                throw new InvalidBundleException("not a jar file (" + e.getMessage() + ")");
            }
            throw e;
        }
        return fromManifest(manifest.getMainAttributes());
    }

    private static Manifest parse(byte[] bytes) throws InvalidBundleException {
        try {
            return new Manifest(new ByteArrayInputStream(bytes));
        } catch (IOException e) {
            throw new InvalidBundleException("the jar's manifest is malformed: " + e.getMessage());
        }
    }

    /** Validates the OSGi headers of a manifest's main section. */
    static BundleArchive fromManifest(Attributes main) throws InvalidBundleException {
        String manifestVersion = trimmed(main.getValue(Constants.BUNDLE_MANIFESTVERSION));
        String symbolicNameHeader = trimmed(main.getValue(Constants.BUNDLE_SYMBOLICNAME));
        if (manifestVersion == null && symbolicNameHeader == null) {
            throw new InvalidBundleException("not an OSGi bundle: the manifest has neither Bundle-SymbolicName nor"
                    + " Bundle-ManifestVersion (a plain jar? wrap it as a bundle first, e.g. with bnd)");
        }
        if (!"2".equals(manifestVersion)) {
            throw new InvalidBundleException("unsupported Bundle-ManifestVersion " + (manifestVersion == null
                    ? "(missing)" : "'" + manifestVersion + "'") + ": only 2 (OSGi R4 and later) is accepted");
        }
        if (symbolicNameHeader == null) {
            throw new InvalidBundleException("not an OSGi bundle: the manifest has no Bundle-SymbolicName");
        }
        String symbolicName = symbolicNameHeader.split(";", 2)[0].strip();
        if (!isSymbolicName(symbolicName)) {
            throw new InvalidBundleException("invalid Bundle-SymbolicName '" + symbolicName
                    + "': expected dot-separated tokens of letters, digits, '-' and '_'");
        }
        Version version;
        String versionHeader = trimmed(main.getValue(Constants.BUNDLE_VERSION));
        try {
            version = versionHeader == null ? Version.emptyVersion : Version.parseVersion(versionHeader);
        } catch (IllegalArgumentException e) {
            throw new InvalidBundleException("invalid Bundle-Version '" + versionHeader + "': " + e.getMessage());
        }
        boolean fragment = trimmed(main.getValue(Constants.FRAGMENT_HOST)) != null;
        return new BundleArchive(symbolicName, version, fragment);
    }

    /** OSGi Core §1.3.2: symbolic-name ::= token ( '.' token )*, token ::= ( alphanum | '_' | '-' )+ */
    static boolean isSymbolicName(String name) {
        if (name.isEmpty() || name.startsWith(".") || name.endsWith(".") || name.contains("..")) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '_' || c == '-' || c == '.';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static String trimmed(String value) {
        if (value == null) {
            return null;
        }
        String s = value.strip();
        return s.isEmpty() ? null : s;
    }
}
