package org.veilswarm.api.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

class SearchIndexTest {

    @Test
    void tokensAreNormalisedLowerCasedAndAtLeastTwoCharacters() {
        // NFKC turns the "ﬁ" ligature into "fi"; "a" is too short; '-' separates.
        assertEquals(List.of("debian", "12", "iso", "file"), List.copyOf(SearchIndex.tokens("Debian-12 a ISO ﬁle")));
        assertEquals(Set.of(), SearchIndex.tokens("a . - _"));
    }

    @Test
    void fieldsScoreByTheirWeights() {
        TorrentRecord record = new TorrentRecord(InfoHash.ofHex("ab".repeat(20)), "Holiday photos", "from the lake",
                Set.of("photos", "summer"), 10, List.of("lake/IMG_1.jpg"), Visibility.PRIVATE, Instant.EPOCH);
        SearchIndex index = SearchIndex.of(record);

        assertEquals(SearchIndex.NAME_WEIGHT + SearchIndex.TAG_WEIGHT, index.score(Set.of("photos")));
        assertEquals(SearchIndex.FILE_WEIGHT + SearchIndex.DESCRIPTION_WEIGHT, index.score(Set.of("lake")));
        assertEquals(SearchIndex.NAME_WEIGHT + SearchIndex.FILE_WEIGHT, index.score(Set.of("holiday", "jpg")));
        assertEquals(0, index.score(Set.of("winter")));
        assertEquals(Set.of("holiday", "photos", "summer", "lake", "img", "jpg", "from", "the"), index.allTokens());
    }
}
