package org.veilswarm.tracker.store.jdbc;

import java.text.Normalizer;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

import org.veilswarm.api.tracker.TorrentRecord;

/**
 * Search as the memory store does it, so that both stores rank alike: text is NFKC-normalised, lower-cased and
 * split on anything that is not a letter or digit; tokens shorter than two characters are dropped. A query
 * token scores 4 in the name, 3 in the tags, 2 in file names and 1 in the description.
 *
 * <p>The database holds every token of a record in {@code search_text} as {@code " tok1 tok2 ... "}, so that
 * {@code LIKE '% tok %'} finds the candidates in portable SQL; the ranking itself is computed here.
 */
final class SearchTokens {
    private SearchTokens() {
    }

    static Set<String> of(String text) {
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

    /** The {@code search_text} column of a record: all its tokens between single spaces. */
    static String searchText(TorrentRecord record) {
        Set<String> all = new LinkedHashSet<>(of(record.name()));
        record.tags().forEach(t -> all.addAll(of(t)));
        record.files().forEach(f -> all.addAll(of(f)));
        all.addAll(of(record.description()));
        return " " + String.join(" ", all) + " ";
    }

    /** Sum over query tokens of the weight of every field holding the token; 0 means no match. */
    static int score(TorrentRecord record, Set<String> query) {
        Set<String> name = of(record.name());
        Set<String> tags = new LinkedHashSet<>();
        record.tags().forEach(t -> tags.addAll(of(t)));
        Set<String> files = new LinkedHashSet<>();
        record.files().forEach(f -> files.addAll(of(f)));
        Set<String> description = of(record.description());
        int score = 0;
        for (String token : query) {
            score += name.contains(token) ? 4 : 0;
            score += tags.contains(token) ? 3 : 0;
            score += files.contains(token) ? 2 : 0;
            score += description.contains(token) ? 1 : 0;
        }
        return score;
    }
}
