package org.veilswarm.launcher.internal;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code <data>/console.url}: one line {@code http://127.0.0.1:<port>/management/<token>}, written by the
 * console bundle only once its HTTP port really listens, and deleted when the console stops (the contract
 * between the launcher, the console and the CLI).
 */
public final class ConsoleUrlFile {

    public static final String NAME = "console.url";

    private static final Pattern URL = Pattern.compile("(https?://[^/\\s]+)/management/([A-Za-z0-9_-]+)");

    /** A parsed console URL: the base to reach the REST API at, and the management token. */
    public record ConsoleUrl(URI uri, URI base, String token) {
    }

    private final Path file;

    public ConsoleUrlFile(Path dataDirectory) {
        this.file = dataDirectory.resolve(NAME);
    }

    public Path path() {
        return file;
    }

    /** The URL if the file exists and holds one; empty while the console is not (or not yet) up. */
    public Optional<ConsoleUrl> read() {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8).trim();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read " + file + ": " + e.getMessage(), e);
        }
        return parse(text);
    }

    public static Optional<ConsoleUrl> parse(String text) {
        Matcher m = URL.matcher(text.trim());
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new ConsoleUrl(URI.create(m.group()), URI.create(m.group(1)), m.group(2)));
    }

    /**
     * Removes a file left by a node that did not stop cleanly (killed, power loss), so that a new start
     * does not mistake it for its own console. Only called while holding the data directory lock.
     */
    public void deleteStale() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot delete the stale " + file + ": " + e.getMessage(), e);
        }
    }
}
