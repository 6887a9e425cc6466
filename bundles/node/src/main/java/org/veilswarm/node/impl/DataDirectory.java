package org.veilswarm.node.impl;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

import org.veilswarm.api.node.NodeInfo;

/**
 * The node's data directory (the brief's "data directory" contract):
 *
 * <pre>
 * &lt;data&gt;/keys/identity.ed25519   the node's Ed25519 seed (owned by this bundle)
 * &lt;data&gt;/management.token, console.url   (console)
 * &lt;data&gt;/config/, felix-cache/, logs/     (launcher)
 * &lt;data&gt;/node/ and other areas            per-component state, see {@link #area(String)}
 * </pre>
 *
 * <p>The launcher passes the absolute path as framework property {@value NodeInfo#DATA_DIRECTORY_PROPERTY};
 * without it the node uses {@code ~/.veilswarm}. Directories this class creates are owner-only (0700)
 * because they hold keys and tokens; directories that already exist are left as the operator made them.
 */
public final class DataDirectory {

    /** The directory name under the user's home when no data directory is configured. */
    public static final String DEFAULT_NAME = ".veilswarm";

    /**
     * One plain path segment: starts with a letter, digit or '_' (so no hidden names, no "..", nothing
     * a shell reads as an option), then letters, digits, '.', '_' and '-'.
     */
    private static final Pattern AREA_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,63}");

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    private final Path root;

    private DataDirectory(Path root) {
        this.root = root;
    }

    /**
     * The data directory named by {@code configured} (the framework property's value, {@code null} when
     * unset), or {@code <home>/.veilswarm}; created owner-only if missing.
     *
     * @throws NodeStartupException if the configured value is empty or relative, or the directory cannot be
     *         created or is not a directory
     */
    public static DataDirectory resolve(String configured, Path home) {
        Path root;
        if (configured == null) {
            Objects.requireNonNull(home, "home");
            root = home.resolve(DEFAULT_NAME);
        } else {
            root = parseConfigured(configured);
        }
        try {
            createOwnerOnly(root);
        } catch (UncheckedIOException e) {
            throw new NodeStartupException("data directory unusable: " + e.getMessage(), e);
        }
        return new DataDirectory(root.normalize());
    }

    /** Like {@link #resolve(String, Path)} with the home directory of the user running the JVM. */
    public static DataDirectory resolve(String configured) {
        return resolve(configured, Path.of(System.getProperty("user.home")));
    }

    /** The data directory's absolute path. */
    public Path root() {
        return root;
    }

    /**
     * The sub-directory {@code name}, created owner-only (0700) if missing.
     *
     * @throws IllegalArgumentException if {@code name} is not a single plain segment
     * @throws UncheckedIOException if the directory cannot be created or a file of that name is in the way
     */
    public Path area(String name) {
        if (name == null || !AREA_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("data directory area must be one plain name of 1-64 letters, digits,"
                    + " '.', '_' or '-', not starting with '.' or '-' (no '/', no '..'), got "
                    + (name == null ? "null" : "'" + name + "'"));
        }
        Path area = root.resolve(name);
        createOwnerOnly(area);
        return area;
    }

    @Override
    public String toString() {
        return root.toString();
    }

    private static Path parseConfigured(String configured) {
        if (configured.isBlank()) {
            throw new NodeStartupException("framework property " + NodeInfo.DATA_DIRECTORY_PROPERTY
                    + " is empty: set it to an absolute path, or remove it to use ~/" + DEFAULT_NAME);
        }
        Path path;
        try {
            path = Path.of(configured.trim());
        } catch (InvalidPathException e) {
            throw new NodeStartupException("framework property " + NodeInfo.DATA_DIRECTORY_PROPERTY + "='"
                    + configured + "' is not a valid path: " + e.getMessage(), e);
        }
        // A relative path would depend on the directory the JVM happened to start in.
        if (!path.isAbsolute()) {
            throw new NodeStartupException("framework property " + NodeInfo.DATA_DIRECTORY_PROPERTY + "='"
                    + configured + "' is relative: it must be an absolute path ('~' is not expanded)");
        }
        return path;
    }

    private static void createOwnerOnly(Path dir) {
        if (Files.isDirectory(dir)) {
            return;
        }
        try {
            if (posix()) {
                FileAttribute<Set<PosixFilePermission>> ownerOnly = PosixFilePermissions.asFileAttribute(OWNER_ONLY);
                Files.createDirectories(dir, ownerOnly);
            } else {
                Files.createDirectories(dir);
            }
        } catch (FileAlreadyExistsException e) {
            throw new UncheckedIOException(dir + " exists but is not a directory: move it away so the node can"
                    + " create its directory there", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create directory " + dir + ": " + e, e);
        }
    }

    private static boolean posix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }
}
