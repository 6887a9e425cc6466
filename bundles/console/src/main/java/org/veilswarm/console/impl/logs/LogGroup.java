package org.veilswarm.console.impl.logs;

import java.time.Instant;

/**
 * Identical lines folded into one, shown as "message ×count" (the way Nyx de-duplicates tor's log).
 *
 * @param level the shared level
 * @param source the shared source
 * @param message the shared message
 * @param count how many times it was logged in the window
 * @param first the first occurrence in the window
 * @param last the latest occurrence
 */
public record LogGroup(String level, String source, String message, int count, Instant first, Instant last) {
}
