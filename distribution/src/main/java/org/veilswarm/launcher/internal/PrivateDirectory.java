package org.veilswarm.launcher.internal;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * Directories of the data directory that only the node's user may read: {@code config/} holds Configuration
 * Admin files (which may carry passwords) and {@code felix-cache/} copies of every bundle and their data.
 * Created owner-only from the start (a creation attribute, so there is no moment with the umask's 0755); an
 * existing one that others can read is tightened, with a warning naming it. The data directory itself is the
 * operator's choice ({@code --data /srv/veilswarm}, or carelessly {@code /tmp}): it is created owner-only but
 * an existing one is never changed, only warned about ({@link #ensureChosenByOperator}).
 */
public final class PrivateDirectory {

    private static final Logger LOG = System.getLogger("org.veilswarm.launcher");
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    private PrivateDirectory() {
    }

    /** Creates {@code dir} (and missing parents) as 0700, or makes an existing one 0700. */
    public static void ensure(Path dir) throws IOException {
        if (createIfMissing(dir)) {
            return;
        }
        Set<PosixFilePermission> current = Files.getPosixFilePermissions(dir);
        Set<PosixFilePermission> others = EnumSet.copyOf(current);
        others.removeAll(EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.OWNER_EXECUTE));
        if (!others.isEmpty()) {
            LOG.log(Level.WARNING, dir + " was accessible to other users (" + PosixFilePermissions.toString(current)
                    + "); it may hold secrets, so its permissions are now rwx------ (chmod 700)");
            Files.setPosixFilePermissions(dir, OWNER_ONLY);
        }
    }

    /**
     * Creates the operator-chosen {@code dir} as 0700 if missing; an existing one is left as it is (changing
     * {@code /tmp} or a shared folder would break other users) with a warning when others can enter it. The
     * secrets inside are owner-only on their own: key and token files 0600, config/ and felix-cache/ 0700.
     */
    public static void ensureChosenByOperator(Path dir) throws IOException {
        if (createIfMissing(dir)) {
            return;
        }
        Set<PosixFilePermission> current = Files.getPosixFilePermissions(dir);
        if (current.stream().anyMatch(p -> !p.name().startsWith("OWNER_"))) {
            LOG.log(Level.WARNING, "the data directory " + dir + " is accessible to other users ("
                    + PosixFilePermissions.toString(current) + "); its secrets are owner-only, but consider "
                    + "chmod 700 " + dir);
        }
    }

    private static boolean createIfMissing(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return false;
        }
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        // The umask may have removed owner bits from the creation attribute; set them exactly.
        Files.setPosixFilePermissions(dir, OWNER_ONLY);
        return true;
    }
}
