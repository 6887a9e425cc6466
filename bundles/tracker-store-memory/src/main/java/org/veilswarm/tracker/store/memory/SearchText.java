package org.veilswarm.tracker.store.memory;

import java.text.Normalizer;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

import org.veilswarm.api.tracker.TorrentRecord;

/**
 * Tokenises torrent records and queries the same way: Unicode-normalised (NFKC), lower-cased, split on
 * anything that is not a letter or digit. Tokens shorter than two characters are dropped; they match
 * almost everything.
 */
final class SearchText {
    /** Weight of a query token found in the name, tags, file names and description respectively. */
    static final int NAME_WEIGHT = 4;
    static final int TAG_WEIGHT = 3;
    static final int FILE_WEIGHT = 2;
    static final int DESCRIPTION_WEIGHT = 1;

    private final Set<String> name;
    private final Set<String> tags;
    private final Set<String> files;
    private final Set<String> description;

    private SearchText(TorrentRecord record) {
        this.name = tokens(record.name());
        Set<String> tagTokens = new LinkedHashSet<>();
        record.tags().forEach(t -> tagTokens.addAll(tokens(t)));
        this.tags = tagTokens;
        Set<String> fileTokens = new LinkedHashSet<>();
        record.files().forEach(f -> fileTokens.addAll(tokens(f)));
        this.files = fileTokens;
        this.description = tokens(record.description());
    }

    static SearchText of(TorrentRecord record) {
        return new SearchText(record);
    }

    /** Sum over query tokens of the weight of every field that holds the token; 0 means no match. */
    int score(Set<String> queryTokens) {
        int score = 0;
        for (String token : queryTokens) {
            score += name.contains(token) ? NAME_WEIGHT : 0;
            score += tags.contains(token) ? TAG_WEIGHT : 0;
            score += files.contains(token) ? FILE_WEIGHT : 0;
            score += description.contains(token) ? DESCRIPTION_WEIGHT : 0;
        }
        return score;
    }

    static Set<String> tokens(String text) {
        Set<String> out = new LinkedHashSet<>();
        String normal = Normalizer.normalize(text, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
        int start = -1;
        for (int i = 0; i <= normal.length(); i++) {
            boolean word = i < normal.length() && Character.isLetterOrDigit(normal.charAt(i));
            if (word && start < 0) {
                start = i;
            } else if (!word && start >= 0) {
                if (i - start >= 2) {
                    out.add(normal.substring(start, i));
                }
                start = -1;
            }
        }
        return out;
    }
}
