package org.veilswarm.transport.tor.control.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.veilswarm.transport.tor.control.QuotedString;

/**
 * A reply line split into space-separated positional words and {@code KEYWORD=value} arguments,
 * where values (and positional words) may be QuotedStrings (control-spec §2.1, §3.21 "AUTH METHODS=..
 * COOKIEFILE=\"..\"", §4.1 event arguments). A word containing {@code =} before any quote is a
 * keyword argument; everything else is positional, in order.
 */
public final class ReplyTokens {
    private final List<String> positional;
    private final Map<String, String> keywords;

    private ReplyTokens(List<String> positional, Map<String, String> keywords) {
        this.positional = Collections.unmodifiableList(positional);
        this.keywords = Collections.unmodifiableMap(keywords);
    }

    /** @throws IllegalArgumentException on an unterminated QuotedString or an empty keyword */
    public static ReplyTokens parse(String text) {
        List<String> positional = new ArrayList<>();
        Map<String, String> keywords = new LinkedHashMap<>();
        int i = 0;
        int n = text.length();
        while (i < n) {
            if (text.charAt(i) == ' ') {
                i++;
                continue;
            }
            if (text.charAt(i) == '"') {
                QuotedString.Parsed parsed = QuotedString.unquote(text, i);
                positional.add(parsed.value());
                i = requireSeparator(text, parsed.end());
                continue;
            }
            int end = i;
            while (end < n && text.charAt(end) != ' ' && text.charAt(end) != '=') {
                end++;
            }
            if (end < n && text.charAt(end) == '=') {
                if (end == i) {
                    throw new IllegalArgumentException("empty keyword at index " + i);
                }
                String key = text.substring(i, end);
                int valueStart = end + 1;
                if (valueStart < n && text.charAt(valueStart) == '"') {
                    QuotedString.Parsed parsed = QuotedString.unquote(text, valueStart);
                    keywords.put(key, parsed.value());
                    i = requireSeparator(text, parsed.end());
                } else {
                    int valueEnd = text.indexOf(' ', valueStart);
                    valueEnd = valueEnd < 0 ? n : valueEnd;
                    keywords.put(key, text.substring(valueStart, valueEnd));
                    i = valueEnd;
                }
            } else {
                positional.add(text.substring(i, end));
                i = end;
            }
        }
        return new ReplyTokens(positional, keywords);
    }

    private static int requireSeparator(String text, int index) {
        if (index < text.length() && text.charAt(index) != ' ') {
            throw new IllegalArgumentException("no space after a QuotedString at index " + index);
        }
        return index;
    }

    public List<String> positional() {
        return positional;
    }

    public Map<String, String> keywords() {
        return keywords;
    }

    public String positional(int index) {
        return index < positional.size() ? positional.get(index) : null;
    }
}
