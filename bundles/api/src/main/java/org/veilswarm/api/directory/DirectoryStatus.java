package org.veilswarm.api.directory;

import java.time.Instant;
import java.util.Optional;

/**
 * What a scheme currently knows, for the console and for deciding whether circuits can be built.
 *
 * @param scheme the scheme name
 * @param ready whether a verified, currently valid directory is available
 * @param relays relays in the current directory (0 when not ready)
 * @param validUntil when the current directory expires, if there is one
 * @param detail one line for operators: why not ready, or what is in use
 */
public record DirectoryStatus(String scheme, boolean ready, int relays, Optional<Instant> validUntil, String detail) {
}
