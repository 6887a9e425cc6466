package org.veilswarm.share.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * A Jazzer target for share links, which users paste from anywhere (console, {@code veilswarm get}). A plain
 * {@code mvn verify} runs each seed in
 * {@code src/test/resources/org/veilswarm/share/api/ShareLinkFuzzTestInputs/parse/} once; {@code JAZZER_FUZZ=1}
 * mutates (docs/fuzzing.md).
 */
class ShareLinkFuzzTest {
    /** What could be a token: a run of token characters after a share path. */
    private static final Pattern TOKEN_LIKE = Pattern.compile("/(?:private|public)/([A-Za-z0-9_-]{16,})");

    /**
     * Only {@link ShareLinkException} escapes; a link that parses is written by {@link ShareLink#format()} as a
     * link that parses to the same value, and its {@code toString()} hides the token; a refused link's message
     * never quotes what stands where a token would (messages end up in logs).
     */
    @FuzzTest(maxDuration = "60s")
    void parse(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        ShareLink link;
        try {
            link = ShareLink.parse(text);
        } catch (ShareLinkException refused) {
            Matcher token = TOKEN_LIKE.matcher(text);
            while (token.find()) {
                if (refused.getMessage().contains(token.group(1))) {
                    throw new AssertionError("the message quotes a token: " + refused.getMessage());
                }
            }
            return;
        }
        assertEquals(link, ShareLink.parse(link.format()));
        if (link.toString().contains(link.token())) {
            throw new AssertionError("toString shows the token: " + link);
        }
    }
}
