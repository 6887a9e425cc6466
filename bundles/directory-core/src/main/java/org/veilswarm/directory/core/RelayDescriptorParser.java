package org.veilswarm.directory.core;

import static org.veilswarm.directory.core.DescriptorException.Reason.*;
import static org.veilswarm.directory.core.RelayDescriptorDocument.*;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.api.directory.RelayFlag;
import org.veilswarm.api.directory.SignedRelayDescriptor;
import org.veilswarm.crypto.Ed25519;

/**
 * Strict parser of relay descriptor documents (docs/protocols/directory-descriptor.md). Accepts exactly the
 * bytes {@link RelayDescriptorDocument#sign} writes: anything else is a {@link DescriptorException} whose
 * reason names the first problem found. Checks run in this order: size, line syntax, keyword grammar, field
 * values, canonical form, signature, publication time. Thread-safe.
 */
public final class RelayDescriptorParser {
    /** Default tolerance for relays whose clocks run ahead (dir-spec has authorities allow a few minutes). */
    public static final Duration DEFAULT_MAX_FUTURE_SKEW = Duration.ofMinutes(10);

    /** The keyword grammar, in document order: keyword, minimum and maximum count. */
    private static final Slot[] GRAMMAR = {
        new Slot(KW_START, 1, 1, 1),
        new Slot(KW_IDENTITY, 1, 1, 1),
        new Slot(KW_NTOR, 1, 1, 1),
        new Slot(KW_OR_ADDRESS, 1, MAX_OR_ADDRESSES, 1),
        new Slot(KW_BANDWIDTH, 1, 1, 2),
        new Slot(KW_FAMILY, 0, MAX_FAMILY, 1),
        new Slot(KW_VERSION, 1, 1, 1),
        new Slot(KW_FLAG, 0, RelayFlag.values().length, 1),
        new Slot(KW_PUBLISHED, 1, 1, 1),
        new Slot(KW_SIGNATURE, 1, 1, 1),
    };

    private record Slot(String keyword, int min, int max, int arguments) {
    }

    private static final Base64.Decoder BASE64_DECODER = Base64.getDecoder();
    private static final Base64.Encoder BASE64_ENCODER = Base64.getEncoder().withoutPadding();

    private final Clock clock;
    private final Duration maxFutureSkew;
    private final boolean vouched;

    public RelayDescriptorParser(Clock clock, Duration maxFutureSkew) {
        this(clock, maxFutureSkew, false);
    }

    private RelayDescriptorParser(Clock clock, Duration maxFutureSkew, boolean vouched) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.maxFutureSkew = Objects.requireNonNull(maxFutureSkew, "maxFutureSkew");
        if (maxFutureSkew.isNegative()) {
            throw new IllegalArgumentException("skew cannot be negative");
        }
        this.vouched = vouched;
    }

    /**
     * A parser for descriptors inside a consensus list, whose exact bytes a strict majority of the authorities
     * sign: every authority checked the relay's signature and publication time when the relay uploaded
     * (docs/protocols/directory-consensus.md §1.1), so this parser skips those checks, the costly part (the
     * identity key's point validation and the Ed25519 verification), and keeps every syntax and canonical-form
     * check. Use it only where the majority signature is checked before anything parsed is trusted
     * ({@link AuthoritySet#verifyConsensus}).
     */
    public static RelayDescriptorParser vouchedForByAuthorities() {
        return new RelayDescriptorParser(Clock.systemUTC(), DEFAULT_MAX_FUTURE_SKEW, true);
    }

    /** Whether this parser skips the relay signature (see {@link #vouchedForByAuthorities()}). */
    public boolean vouched() {
        return vouched;
    }

    /** A parser on the system clock with {@link #DEFAULT_MAX_FUTURE_SKEW}. */
    public static RelayDescriptorParser withSystemClock() {
        return new RelayDescriptorParser(Clock.systemUTC(), DEFAULT_MAX_FUTURE_SKEW);
    }

    /** Parses and verifies one document. */
    public SignedRelayDescriptor parse(byte[] document) throws DescriptorException {
        Objects.requireNonNull(document, "document");
        if (document.length > MAX_DOCUMENT_BYTES) {
            throw new DescriptorException(OVERSIZE, 0, document.length + " bytes, at most " + MAX_DOCUMENT_BYTES);
        }
        List<String> lines = splitLines(document);
        Fields f = new Fields(vouched);
        int[] counts = new int[GRAMMAR.length];
        int slot = 0;
        int bodyLength = 0;
        int offset = 0;
        for (int i = 0; i < lines.size(); i++) {
            int lineNo = i + 1;
            String line = lines.get(i);
            String[] words = line.split(" ", -1);
            String keyword = words[0];
            int k = slotOf(keyword);
            if (k < 0) {
                throw new DescriptorException(UNKNOWN_KEYWORD, lineNo, "unknown keyword '" + printable(keyword) + "'");
            }
            if (k < slot) {
                throw counts[k] >= GRAMMAR[k].max
                        ? new DescriptorException(DUPLICATE_KEYWORD, lineNo, keyword + " may appear at most "
                                + GRAMMAR[k].max + " time(s)")
                        : new DescriptorException(OUT_OF_ORDER, lineNo, keyword + " must come before "
                                + GRAMMAR[slot].keyword);
            }
            for (int j = slot; j < k; j++) {
                if (counts[j] < GRAMMAR[j].min) {
                    throw new DescriptorException(MISSING_KEYWORD, lineNo, "expected " + GRAMMAR[j].keyword
                            + " before " + keyword);
                }
            }
            slot = k;
            if (counts[k] >= GRAMMAR[k].max) {
                throw new DescriptorException(DUPLICATE_KEYWORD, lineNo, keyword + " may appear at most "
                        + GRAMMAR[k].max + " time(s)");
            }
            counts[k]++;
            if (words.length - 1 != GRAMMAR[k].arguments) {
                throw new DescriptorException(MALFORMED_LINE, lineNo, keyword + " takes " + GRAMMAR[k].arguments
                        + " argument(s) separated by single spaces");
            }
            if (keyword.equals(KW_SIGNATURE)) {
                bodyLength = offset;
            }
            f.accept(keyword, words, lineNo);
            offset += line.length() + 1;
        }
        for (int j = slot; j < GRAMMAR.length; j++) {
            if (counts[j] < GRAMMAR[j].min) {
                throw new DescriptorException(MISSING_KEYWORD, 0, "the document ends without " + GRAMMAR[j].keyword);
            }
        }
        RelayDescriptor descriptor = f.build();
        byte[] canonical;
        try {
            canonical = body(descriptor);
        } catch (IllegalArgumentException e) {
            throw new DescriptorException(BAD_VALUE, 0, e.getMessage());
        }
        if (canonical.length != bodyLength || !Arrays.equals(canonical, 0, bodyLength, document, 0, bodyLength)) {
            throw new DescriptorException(NOT_CANONICAL, 0, "the body differs from its canonical form"
                    + " (ordering of family members or flags, or spelling of an address)");
        }
        if (vouched) {
            return new SignedRelayDescriptor(descriptor, document);
        }
        if (!Ed25519.verify(descriptor.identity(), signedHash(document, bodyLength), f.signature)) {
            throw new DescriptorException(BAD_SIGNATURE, lines.size(), "the signature does not verify with the"
                    + " identity key");
        }
        Instant latest = clock.instant().plus(maxFutureSkew);
        if (descriptor.published().isAfter(latest)) {
            throw new DescriptorException(PUBLISHED_IN_FUTURE, 0, "published " + descriptor.published()
                    + " is after now + " + maxFutureSkew.toSeconds() + " s (" + latest + ")");
        }
        return new SignedRelayDescriptor(descriptor, document);
    }

    private static int slotOf(String keyword) {
        for (int i = 0; i < GRAMMAR.length; i++) {
            if (GRAMMAR[i].keyword.equals(keyword)) {
                return i;
            }
        }
        return -1;
    }

    /** Printable ASCII lines, each ending in LF; no empty line, no leading, trailing or doubled space. */
    private static List<String> splitLines(byte[] document) throws DescriptorException {
        if (document.length == 0) {
            throw new DescriptorException(MISSING_KEYWORD, 0, "empty document");
        }
        if (document[document.length - 1] != '\n') {
            throw new DescriptorException(MALFORMED_LINE, 0, "the last line does not end with LF");
        }
        List<String> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < document.length; i++) {
            byte b = document[i];
            if (b == '\n') {
                int lineNo = lines.size() + 1;
                if (i == start) {
                    throw new DescriptorException(MALFORMED_LINE, lineNo, "empty line");
                }
                if (document[start] == ' ' || document[i - 1] == ' ') {
                    throw new DescriptorException(MALFORMED_LINE, lineNo, "leading or trailing space");
                }
                lines.add(new String(document, start, i - start, StandardCharsets.US_ASCII));
                start = i + 1;
            } else if (b < 0x20 || b > 0x7e) {
                throw new DescriptorException(MALFORMED_LINE, lines.size() + 1, String.format(
                        "byte 0x%02x is not printable ASCII (lines end in LF only)", b & 0xff));
            }
        }
        return lines;
    }

    private static String printable(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    /** Field values as they are read, checked one line at a time. */
    private static final class Fields {
        final boolean vouched;
        byte[] identity;
        byte[] ntor;
        final List<InetSocketAddress> addresses = new ArrayList<>();
        long observed;
        long configured;
        final Set<RelayDescriptor.Key> family = new HashSet<>();
        String version;
        final Set<RelayFlag> flags = EnumSet.noneOf(RelayFlag.class);
        Instant published;
        byte[] signature;

        Fields(boolean vouched) {
            this.vouched = vouched;
        }

        void accept(String keyword, String[] words, int line) throws DescriptorException {
            switch (keyword) {
                case KW_START -> {
                    if (!words[1].equals(FORMAT_VERSION)) {
                        throw new DescriptorException(UNSUPPORTED_VERSION, line, "format version '"
                                + printable(words[1]) + "', this parser reads " + FORMAT_VERSION);
                    }
                }
                case KW_IDENTITY -> {
                    identity = key(words[1], Ed25519.PUBLIC_KEY_LENGTH, line);
                    if (!vouched && !Ed25519.isValidPublicKey(identity)) {
                        throw new DescriptorException(BAD_VALUE, line, "the identity is not a valid Ed25519 public key");
                    }
                }
                case KW_NTOR -> ntor = key(words[1], 32, line);
                case KW_OR_ADDRESS -> addresses.add(address(words[1], line));
                case KW_BANDWIDTH -> {
                    observed = number(words[1], MAX_BANDWIDTH, line);
                    configured = number(words[2], MAX_BANDWIDTH, line);
                }
                case KW_FAMILY -> {
                    RelayDescriptor.Key member = new RelayDescriptor.Key(key(words[1], 32, line));
                    if (Arrays.equals(member.bytes(), identity)) {
                        throw new DescriptorException(BAD_VALUE, line, "a relay does not list itself as family");
                    }
                    if (!family.add(member)) {
                        throw new DescriptorException(NOT_CANONICAL, line, "family member listed twice");
                    }
                }
                case KW_VERSION -> {
                    if (!validVersion(words[1])) {
                        throw new DescriptorException(BAD_VALUE, line, "version must be 1-" + MAX_VERSION_LENGTH
                                + " of [A-Za-z0-9._+-]");
                    }
                    version = words[1];
                }
                case KW_FLAG -> {
                    RelayFlag flag;
                    try {
                        flag = RelayFlag.valueOf(words[1]);
                    } catch (IllegalArgumentException e) {
                        throw new DescriptorException(BAD_VALUE, line, "unknown flag '" + printable(words[1]) + "'");
                    }
                    if (!flags.add(flag)) {
                        throw new DescriptorException(NOT_CANONICAL, line, "flag " + flag + " listed twice");
                    }
                }
                case KW_PUBLISHED -> published = time(words[1], line);
                case KW_SIGNATURE -> signature = key(words[1], Ed25519.SIGNATURE_LENGTH, line);
                default -> throw new IllegalStateException("grammar and field reader disagree on " + keyword);
            }
        }

        RelayDescriptor build() throws DescriptorException {
            try {
                return new RelayDescriptor(identity, ntor, addresses, observed, configured, family, version, flags,
                        published);
            } catch (IllegalArgumentException e) {
                throw new DescriptorException(BAD_VALUE, 0, e.getMessage());
            }
        }
    }

    private static byte[] key(String text, int length, int line) throws DescriptorException {
        byte[] bytes;
        if (text.indexOf('=') >= 0) {
            throw new DescriptorException(BAD_BASE64, line, "base64 must be unpadded");
        }
        try {
            bytes = BASE64_DECODER.decode(text);
        } catch (IllegalArgumentException e) {
            throw new DescriptorException(BAD_BASE64, line, "not base64: " + e.getMessage());
        }
        if (!BASE64_ENCODER.encodeToString(bytes).equals(text)) {
            throw new DescriptorException(BAD_BASE64, line, "non-canonical base64 (unused bits set)");
        }
        if (bytes.length != length) {
            throw new DescriptorException(WRONG_KEY_LENGTH, line, "expected " + length + " bytes, got " + bytes.length);
        }
        return bytes;
    }

    private static long number(String text, long max, int line) throws DescriptorException {
        if (text.isEmpty() || text.length() > 19 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new DescriptorException(BAD_VALUE, line, "'" + printable(text) + "' is not a decimal number");
        }
        if (text.length() > 1 && text.charAt(0) == '0') {
            throw new DescriptorException(NOT_CANONICAL, line, "leading zero in " + text);
        }
        long value = Long.parseLong(text);
        if (value > max) {
            throw new DescriptorException(BAD_VALUE, line, value + " is above the maximum " + max);
        }
        return value;
    }

    private static InetSocketAddress address(String text, int line) throws DescriptorException {
        int colon = text.lastIndexOf(':');
        if (colon <= 0) {
            throw new DescriptorException(BAD_VALUE, line, "expected address:port");
        }
        String host = text.substring(0, colon);
        int port = (int) number(text.substring(colon + 1), 65535, line);
        if (port == 0) {
            throw new DescriptorException(BAD_VALUE, line, "port 0");
        }
        byte[] raw;
        if (host.startsWith("[") && host.endsWith("]") && host.length() > 2) {
            String v6 = host.substring(1, host.length() - 1);
            // Only hex digits and colons reach the JDK, which then parses a literal and never resolves a name.
            if (!v6.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == ':')
                    || v6.indexOf(':') < 0) {
                throw new DescriptorException(BAD_VALUE, line, "not an IPv6 literal: " + printable(v6));
            }
            try {
                raw = InetAddress.getByName(v6).getAddress();
            } catch (UnknownHostException e) {
                throw new DescriptorException(BAD_VALUE, line, "not an IPv6 literal: " + printable(v6));
            }
        } else {
            raw = ipv4(host, line);
        }
        try {
            return new InetSocketAddress(InetAddress.getByAddress(raw), port);
        } catch (UnknownHostException e) {
            throw new DescriptorException(BAD_VALUE, line, "bad address length");
        }
    }

    private static byte[] ipv4(String host, int line) throws DescriptorException {
        String[] parts = host.split("\\.", -1);
        if (parts.length != 4) {
            throw new DescriptorException(BAD_VALUE, line, "not an IPv4 literal or [IPv6] literal: " + printable(host));
        }
        byte[] raw = new byte[4];
        for (int i = 0; i < 4; i++) {
            raw[i] = (byte) number(parts[i], 255, line);
        }
        return raw;
    }

    private static Instant time(String text, int line) throws DescriptorException {
        // YYYY-MM-DDTHH:MM:SSZ exactly: no fraction, no offset, four-digit year.
        if (text.length() != 20 || text.charAt(19) != 'Z') {
            throw new DescriptorException(BAD_VALUE, line, "published must be YYYY-MM-DDTHH:MM:SSZ");
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new DescriptorException(BAD_VALUE, line, "published must be YYYY-MM-DDTHH:MM:SSZ: " + e.getMessage());
        }
    }
}
