package org.veilswarm.share.reveal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;
import java.nio.ByteBuffer;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.veilswarm.share.api.RevealFinding;
import org.veilswarm.share.api.RevealFinding.Kind;
import org.veilswarm.share.api.RevealReport;
import org.veilswarm.share.api.ShareException;

/**
 * Looks at a file or folder before it is shared and reports what it reveals. Reads at most {@link #HEAD_BYTES}
 * from the start and {@link #TAIL_BYTES} from the end of each file, and examines at most {@link #MAX_FILES}
 * files; symbolic links are not followed (they are not shared either).
 *
 * <p>User-name heuristics (documented in docs/shares.md): a folder directly below one named {@code home},
 * {@code Users} or {@code Documents and Settings}; a folder or share named like the account running this node
 * ({@code user.name}); the shared path lying directly in a home directory, so its name is the user's folder.
 */
public final class RevealScanner {
    static final int HEAD_BYTES = 128 * 1024;
    static final int TAIL_BYTES = 64 * 1024;
    static final int MAX_FILES = 10_000;
    private static final Set<String> HOME_PARENTS = Set.of("home", "users", "documents and settings");

    private final String accountName;

    /** A scanner that also looks for the name of the account running this JVM. */
    public RevealScanner() {
        this(System.getProperty("user.name", ""));
    }

    /** @param accountName a user name to look for in folder names ("" for none) */
    public RevealScanner(String accountName) {
        this.accountName = accountName == null ? "" : accountName.toLowerCase(Locale.ROOT);
    }

    /** @throws ShareException if {@code path} does not exist or cannot be listed */
    public RevealReport scan(Path path) {
        Path root = path.toAbsolutePath().normalize();
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            throw new ShareException("nothing to share at " + root + ": no such file or folder");
        }
        String name = root.getFileName() == null ? root.toString() : root.getFileName().toString();
        List<RevealFinding> findings = new ArrayList<>();
        List<String> names = new ArrayList<>();
        long[] totals = new long[2];
        boolean[] truncated = {false};
        nameFindings(root, name, findings);
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    if (!dir.equals(root)) {
                        folderFindings(root.relativize(dir), findings);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (!attrs.isRegularFile()) {
                        return FileVisitResult.CONTINUE;
                    }
                    if (totals[0] >= MAX_FILES) {
                        truncated[0] = true;
                        return FileVisitResult.TERMINATE;
                    }
                    totals[0]++;
                    totals[1] += attrs.size();
                    String relative = file.equals(root) ? name : slashes(root.relativize(file));
                    if (names.size() < RevealReport.MAX_LISTED_FILES) {
                        names.add(relative);
                    }
                    if (file.getFileName().toString().startsWith(".")) {
                        findings.add(new RevealFinding(Kind.HIDDEN_FILE, relative, "hidden file"));
                    }
                    examine(file, relative, attrs.size(), findings);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    findings.add(new RevealFinding(Kind.UNREADABLE, file.equals(root) ? name : slashes(root.relativize(file)),
                            String.valueOf(e.getMessage())));
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new ShareException("cannot read " + root + ": " + e.getMessage(), e);
        }
        return new RevealReport(root, name, (int) totals[0], totals[1], names, findings, truncated[0]);
    }

    private void nameFindings(Path root, String name, List<RevealFinding> findings) {
        Path parent = root.getParent();
        if (parent != null && parent.getFileName() != null
                && HOME_PARENTS.contains(parent.getFileName().toString().toLowerCase(Locale.ROOT))) {
            findings.add(new RevealFinding(Kind.USER_NAME_IN_NAME, "",
                    "the share is named after a home folder: " + name));
        } else if (!accountName.isEmpty() && name.toLowerCase(Locale.ROOT).contains(accountName)) {
            findings.add(new RevealFinding(Kind.USER_NAME_IN_NAME, "",
                    "the share's name contains this account's user name: " + name));
        }
    }

    private void folderFindings(Path relative, List<RevealFinding> findings) {
        String folder = relative.getFileName().toString();
        String path = slashes(relative);
        Path parent = relative.getParent();
        if (parent != null && HOME_PARENTS.contains(parent.getFileName().toString().toLowerCase(Locale.ROOT))) {
            findings.add(new RevealFinding(Kind.USER_NAME_FOLDER, path,
                    "folder in a home-directory layout (" + parent.getFileName() + "/" + folder + ")"));
        } else if (!accountName.isEmpty() && folder.toLowerCase(Locale.ROOT).equals(accountName)) {
            findings.add(new RevealFinding(Kind.USER_NAME_FOLDER, path, "folder named like this account: " + folder));
        }
        if (folder.startsWith(".")) {
            findings.add(new RevealFinding(Kind.HIDDEN_FILE, path, "hidden folder"));
        }
    }

    private static void examine(Path file, String relative, long size, List<RevealFinding> findings) {
        try {
            if (OfficeCoreReader.isOffice(file)) {
                for (OfficeCoreReader.Found f : OfficeCoreReader.read(file)) {
                    findings.add(new RevealFinding(f.kind(), relative, f.detail()));
                }
                return;
            }
            byte[] head;
            try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
                head = in.readNBytes(HEAD_BYTES);
            }
            if (ExifReader.isJpeg(head, head.length)) {
                for (ExifReader.Found f : ExifReader.read(head, head.length)) {
                    findings.add(new RevealFinding(f.kind(), relative, f.detail()));
                }
            } else if (PdfInfoReader.isPdf(head, head.length)) {
                byte[] tail = size > head.length ? tail(file, size) : new byte[0];
                for (PdfInfoReader.Found f : PdfInfoReader.read(head, tail)) {
                    findings.add(new RevealFinding(f.kind(), relative, f.detail()));
                }
            }
        } catch (IOException | RuntimeException e) {
            findings.add(new RevealFinding(Kind.UNREADABLE, relative, String.valueOf(e.getMessage())));
        }
    }

    private static byte[] tail(Path file, long size) throws IOException {
        int n = (int) Math.min(TAIL_BYTES, size);
        ByteBuffer buffer = ByteBuffer.allocate(n);
        try (SeekableByteChannel ch = Files.newByteChannel(file)) {
            ch.position(size - n);
            while (buffer.hasRemaining() && ch.read(buffer) > 0) {
                // fill
            }
        }
        return java.util.Arrays.copyOf(buffer.array(), buffer.position());
    }

    private static String slashes(Path relative) {
        return relative.toString().replace(relative.getFileSystem().getSeparator(), "/");
    }
}
