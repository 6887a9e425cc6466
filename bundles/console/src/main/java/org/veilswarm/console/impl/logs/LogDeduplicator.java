package org.veilswarm.console.impl.logs;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Folds repeated log lines: lines with the same level, source and message become one {@link LogGroup} carrying
 * the count and the first and last time. Groups come newest first (by their last occurrence), so a message
 * that keeps repeating stays at the top instead of pushing everything else out of view.
 */
public final class LogDeduplicator {

    private LogDeduplicator() {
    }

    private record Key(String level, String source, String message) {
    }

    /** @param lines oldest first */
    public static List<LogGroup> fold(List<LogLine> lines) {
        Map<Key, LogGroup> groups = new LinkedHashMap<>();
        for (LogLine line : lines) {
            Key key = new Key(line.level(), line.source(), line.message());
            groups.merge(key, new LogGroup(line.level(), line.source(), line.message(), 1, line.time(), line.time()),
                    (old, one) -> new LogGroup(old.level(), old.source(), old.message(), old.count() + 1,
                            old.first(), one.last().isAfter(old.last()) ? one.last() : old.last()));
        }
        List<LogGroup> folded = new ArrayList<>(groups.values());
        folded.sort(Comparator.comparing(LogGroup::last).reversed());
        return folded;
    }
}
