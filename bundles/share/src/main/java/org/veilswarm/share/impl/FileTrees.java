package org.veilswarm.share.impl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;

/** Removing a share's or a download's files from disk. */
final class FileTrees {
    private static final System.Logger LOG = System.getLogger("org.veilswarm.share");

    private FileTrees() {
    }

    /**
     * Deletes {@code root} and everything below it, deepest first. Best effort: a file that cannot be deleted now
     * stays for the next removal, and a tree that cannot be walked is logged as a warning, never thrown: the
     * record is gone either way.
     */
    static void delete(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (var walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException ex) {
                    // left for the next removal
                }
            });
        } catch (IOException ex) {
            LOG.log(System.Logger.Level.WARNING, "cannot delete " + root + ": " + ex.getMessage());
        }
    }
}
