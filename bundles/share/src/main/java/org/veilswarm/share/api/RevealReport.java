package org.veilswarm.share.api;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What sharing a path reveals. The file and folder names are always part of a share (anyone with the link sees
 * them); findings are warnings to show before the user proceeds.
 *
 * @param root the path examined
 * @param name the share's name (the last element of {@code root})
 * @param fileCount files found
 * @param totalBytes their total size
 * @param fileNames relative paths of the files, '/'-separated, at most {@link #MAX_LISTED_FILES}
 * @param findings warnings, in file order
 * @param truncated whether the scan stopped early (more files than it lists or examines)
 */
public record RevealReport(Path root, String name, int fileCount, long totalBytes, List<String> fileNames,
        List<RevealFinding> findings, boolean truncated) {

    /** File names listed in a report at most. */
    public static final int MAX_LISTED_FILES = 10_000;

    public RevealReport {
        Objects.requireNonNull(root, "root");
        Objects.requireNonNull(name, "name");
        fileNames = List.copyOf(fileNames);
        findings = List.copyOf(findings);
    }

    /** Whether there is anything to warn about. */
    public boolean hasFindings() {
        return !findings.isEmpty();
    }
}
