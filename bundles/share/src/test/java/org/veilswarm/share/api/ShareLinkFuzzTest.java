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
    /** A link's scheme, authority, then a share path whose second segment could be a token. */
    private static final Pattern TOKEN_POSITION = Pattern.compile(
            "(?i:http://)[^/]*/(?:private|public)/([A-Za-z0-9_-]{16,})(?:/.*)?");

    /** What stands where a share link's token would (16 token characters or more), or null. */
    private static String tokenPosition(String text) {
        Matcher m = TOKEN_POSITION.matcher(text.strip());
        return m.matches() ? m.group(1) : null;
    }

    /**
     * Only {@link ShareLinkException} escapes; a link that parses is written by {@link ShareLink#format()} as a
     * link that parses to the same value, and its {@code toString()} is that link without the token; a refused link's message
     * never quotes what stands where a token would (messages end up in logs).
     */
    @FuzzTest(maxDuration = "60s")
    void parse(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        ShareLink link;
        try {
            link = ShareLink.parse(text);
        } catch (ShareLinkException refused) {
            String token = tokenPosition(text);
            // The same characters elsewhere in the link (a port or host made of them) may be quoted for what
            // they are there: seed token-like-port-quoted.
            if (token != null && text.indexOf(token) == text.lastIndexOf(token)
                    && refused.getMessage().contains(token)) {
                throw new AssertionError("the message quotes a token: " + refused.getMessage());
            }
            return;
        }
        assertEquals(link, ShareLink.parse(link.format()));
        // toString is the link with its token (which ends it) cut off: seed host-holding-the-token has a host that
        // holds the token's characters too, which toString rightly shows.
        String formatted = link.format();
        assertEquals(formatted.substring(0, formatted.length() - link.token().length()) + "…", link.toString());
    }
}
