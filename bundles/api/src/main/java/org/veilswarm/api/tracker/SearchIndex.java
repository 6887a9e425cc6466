package org.veilswarm.api.tracker;

import java.text.Normalizer;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * What {@link TrackerStore#search} means, in one place, so that every store finds and ranks alike and swapping
 * the store bundle does not change search results.
 *
 * <p>Text is NFKC-normalised, lower-cased and split on anything that is not a letter or digit; tokens shorter
 * than two characters are dropped (they match almost everything). A query token scores
 * {@value #NAME_WEIGHT} in the name, {@value #TAG_WEIGHT} in the tags, {@value #FILE_WEIGHT} in file names and
 * {@value #DESCRIPTION_WEIGHT} in the description; a record's score is the sum, and 0 means no match.
 */
public final class SearchIndex {
    public static final int NAME_WEIGHT = 4;
    public static final int TAG_WEIGHT = 3;
    public static final int FILE_WEIGHT = 2;
    public static final int DESCRIPTION_WEIGHT = 1;

    private final Set<String> name;
    private final Set<String> tags;
    private final Set<String> files;
    private final Set<String> description;

    private SearchIndex(TorrentRecord record) {
        name = tokens(record.name());
        tags = new LinkedHashSet<>();
        record.tags().forEach(t -> tags.addAll(tokens(t)));
        files = new LinkedHashSet<>();
        record.files().forEach(f -> files.addAll(tokens(f)));
        description = tokens(record.description());
    }

    /** The tokens of a record, by field, ready to score queries against. */
    public static SearchIndex of(TorrentRecord record) {
        return new SearchIndex(record);
    }

    /** The tokens of {@code text}, in order of first appearance. */
    public static Set<String> tokens(String text) {
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

    /** Sum over query tokens of the weight of every field holding the token; 0 means no match. */
    public int score(Set<String> queryTokens) {
        int score = 0;
        for (String token : queryTokens) {
            score += name.contains(token) ? NAME_WEIGHT : 0;
            score += tags.contains(token) ? TAG_WEIGHT : 0;
            score += files.contains(token) ? FILE_WEIGHT : 0;
            score += description.contains(token) ? DESCRIPTION_WEIGHT : 0;
        }
        return score;
    }

    /** Every token of the record, all fields together, in field order (name, tags, files, description). */
    public Set<String> allTokens() {
        Set<String> all = new LinkedHashSet<>(name);
        all.addAll(tags);
        all.addAll(files);
        all.addAll(description);
        return Collections.unmodifiableSet(all);
    }
}
