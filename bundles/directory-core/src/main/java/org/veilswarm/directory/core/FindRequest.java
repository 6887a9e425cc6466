package org.veilswarm.directory.core;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;

import org.veilswarm.api.directory.DirectoryException;
import org.veilswarm.api.directory.RelayRole;

/**
 * The {@code find} request (docs/protocols/directory-merkle.md §4): one US-ASCII line
 * {@code find <consensus-id as 64 lower-case hex digits> <GUARD|MIDDLE|HSDIR> <x in decimal>} ending in LF.
 * Parsing is strict (the canonical form only), so a request is logged and compared byte for byte.
 */
public record FindRequest(byte[] consensusId, RelayRole role, long x) {
    public static final int MAX_LENGTH = 5 + 64 + 1 + 6 + 1 + 19 + 1;

    public FindRequest {
        consensusId = Objects.requireNonNull(consensusId, "consensusId").clone();
        Objects.requireNonNull(role, "role");
        if (consensusId.length != 32) {
            throw new IllegalArgumentException("consensus-id must be 32 bytes");
        }
        if (x < 0) {
            throw new IllegalArgumentException("x cannot be negative");
        }
    }

    @Override
    public byte[] consensusId() {
        return consensusId.clone();
    }

    public byte[] encode() {
        return ("find " + HexFormat.of().formatHex(consensusId) + " " + role.name() + " " + x + "\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    public static FindRequest parse(byte[] line) throws DirectoryException {
        Objects.requireNonNull(line, "line");
        if (line.length > MAX_LENGTH || line.length == 0 || line[line.length - 1] != '\n') {
            throw new DirectoryException("a find request is one line of at most " + MAX_LENGTH + " bytes ending in LF");
        }
        String text = new String(line, 0, line.length - 1, StandardCharsets.US_ASCII);
        String[] words = text.split(" ", -1);
        if (words.length != 4 || !words[0].equals("find")) {
            throw new DirectoryException("expected: find <consensus-id> <role> <x>");
        }
        if (words[1].length() != 64 || !words[1].equals(words[1].toLowerCase(Locale.ROOT))) {
            throw new DirectoryException("consensus-id must be 64 lower-case hex digits");
        }
        byte[] id;
        try {
            id = HexFormat.of().parseHex(words[1]);
        } catch (IllegalArgumentException e) {
            throw new DirectoryException("consensus-id must be 64 lower-case hex digits");
        }
        RelayRole role;
        try {
            role = RelayRole.valueOf(words[2]);
        } catch (IllegalArgumentException e) {
            throw new DirectoryException("unknown role " + words[2]);
        }
        String digits = words[3];
        if (digits.isEmpty() || digits.length() > 19 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')
                || (digits.length() > 1 && digits.charAt(0) == '0')) {
            throw new DirectoryException("x must be a decimal number without leading zeros");
        }
        try {
            return new FindRequest(id, role, Long.parseLong(digits));
        } catch (NumberFormatException e) {
            throw new DirectoryException("x is larger than 2^63 - 1");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FindRequest r && java.util.Arrays.equals(consensusId, r.consensusId) && role == r.role
                && x == r.x;
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(consensusId) * 31 + role.hashCode() * 17 + Long.hashCode(x);
    }

    @Override
    public String toString() {
        return new String(encode(), 0, encode().length - 1, StandardCharsets.US_ASCII);
    }
}
