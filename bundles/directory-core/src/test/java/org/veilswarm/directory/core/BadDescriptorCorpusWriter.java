package org.veilswarm.directory.core;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.api.directory.RelayFlag;
import org.veilswarm.crypto.Ed25519KeyPair;

/**
 * Writes the committed corpus under src/test/resources/{good,bad}-descriptors (Arti keeps good and bad
 * router descriptors side by side the same way). Run from the module directory after test-compile:
 * {@code java -cp target/test-classes:target/classes:<deps> org.veilswarm.directory.core.BadDescriptorCorpusWriter}.
 * The documents are deterministic (seeded keys, Ed25519 signatures are deterministic), so re-running gives
 * the same files. {@link DescriptorCorpusTest} reads them.
 */
public final class BadDescriptorCorpusWriter {
    private BadDescriptorCorpusWriter() {
    }

    static RelayDescriptor full(Ed25519KeyPair key, java.time.Instant published) {
        return new RelayDescriptor(key.publicKey(), TestRelays.key(2).publicKey(),
                List.of(new InetSocketAddress(TestRelays.address(new byte[] {(byte) 192, 0, 2, 7}), 9001),
                        new InetSocketAddress(TestRelays.address(new byte[] {0x20, 0x01, 0x0d, (byte) 0xb8, 0, 0, 0,
                            0, 0, 0, 0, 0, 0, 0, 0, 1}), 443)),
                2_500_000, 5_000_000,
                Set.of(new RelayDescriptor.Key(TestRelays.key(3).publicKey()),
                        new RelayDescriptor.Key(TestRelays.key(4).publicKey())),
                "0.1.0", EnumSet.of(RelayFlag.RUNNING, RelayFlag.VALID, RelayFlag.FAST), published);
    }

    public static void main(String[] args) throws IOException {
        Path resources = Path.of(args.length > 0 ? args[0] : "src/test/resources");
        Ed25519KeyPair key = TestRelays.key(1);
        String good = text(RelayDescriptorDocument.sign(full(key, TestRelays.NOW.minusSeconds(600)), key).document());
        RelayDescriptor minimal = new RelayDescriptor(key.publicKey(), TestRelays.key(2).publicKey(),
                List.of(new InetSocketAddress(TestRelays.address(new byte[] {127, 0, 0, 1}), 1)), 0, 0, Set.of(), "v",
                Set.of(), TestRelays.NOW);
        Map<String, String> goods = new LinkedHashMap<>();
        goods.put("full", good);
        goods.put("minimal", text(RelayDescriptorDocument.sign(minimal, key).document()));
        goods.put("published-within-skew", text(RelayDescriptorDocument.sign(
                full(key, TestRelays.NOW.plusSeconds(599)), key).document()));

        Map<String, Bad> bads = new LinkedHashMap<>();
        bads.put("empty", new Bad("", "MISSING_KEYWORD"));
        bads.put("unknown-keyword", new Bad(good.replace("version 0.1.0\n", "version 0.1.0\ncontact me\n"),
                "UNKNOWN_KEYWORD"));
        bads.put("missing-ntor-onion-key", new Bad(removeLine(good, "ntor-onion-key"), "MISSING_KEYWORD"));
        bads.put("missing-signature", new Bad(removeLine(good, "signature-ed25519"), "MISSING_KEYWORD"));
        bads.put("duplicate-bandwidth", new Bad(good.replace("bandwidth 2500000 5000000\n",
                "bandwidth 2500000 5000000\nbandwidth 2500000 5000000\n"), "DUPLICATE_KEYWORD"));
        bads.put("duplicate-identity", new Bad(good.replaceFirst("(identity-ed25519 [^\n]*\n)", "$1$1"),
                "DUPLICATE_KEYWORD"));
        bads.put("version-after-flags", new Bad(good.replace("version 0.1.0\n", "")
                .replace("published ", "version 0.1.0\npublished "), "MISSING_KEYWORD"));
        bads.put("family-after-version", new Bad(moveFirstFamilyAfterVersion(good), "OUT_OF_ORDER"));
        bads.put("unsupported-format", new Bad(good.replace("veilswarm-relay-descriptor 1\n",
                "veilswarm-relay-descriptor 2\n"), "UNSUPPORTED_VERSION"));
        bads.put("padded-base64", new Bad(good.replaceFirst("(identity-ed25519 [^\n]*)\n", "$1=\n"), "BAD_BASE64"));
        bads.put("base64-bad-character", new Bad(good.replaceFirst("ntor-onion-key .", "ntor-onion-key *"),
                "BAD_BASE64"));
        bads.put("base64-unused-bits", new Bad(replaceLastCharOf(good, "ntor-onion-key "), "BAD_BASE64"));
        bads.put("short-ntor-key", new Bad(good.replaceFirst("ntor-onion-key [^\n]*\n",
                "ntor-onion-key AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n"), "WRONG_KEY_LENGTH"));
        bads.put("long-signature", new Bad(good.replaceFirst("(signature-ed25519 [^\n]*)\n", "$1AAAA\n"),
                "WRONG_KEY_LENGTH"));
        bads.put("changed-after-signing", new Bad(good.replace("version 0.1.0", "version 0.1.1"), "BAD_SIGNATURE"));
        bads.put("other-identity", new Bad(good.replaceFirst("identity-ed25519 [^\n]*\n", "identity-ed25519 "
                + b64(TestRelays.key(9).publicKey()) + "\n"), "BAD_SIGNATURE"));
        bads.put("published-in-future", new Bad(text(RelayDescriptorDocument.sign(
                full(key, TestRelays.NOW.plusSeconds(601)), key).document()), "PUBLISHED_IN_FUTURE"));
        bads.put("oversize", new Bad(good + "x".repeat(RelayDescriptorDocument.MAX_DOCUMENT_BYTES), "OVERSIZE"));
        bads.put("crlf", new Bad(good.replace("\n", "\r\n"), "MALFORMED_LINE"));
        bads.put("trailing-space", new Bad(good.replace("version 0.1.0\n", "version 0.1.0 \n"), "MALFORMED_LINE"));
        bads.put("double-space", new Bad(good.replace("bandwidth 2500000 5000000", "bandwidth 2500000  5000000"),
                "MALFORMED_LINE"));
        bads.put("no-final-newline", new Bad(good.substring(0, good.length() - 1), "MALFORMED_LINE"));
        bads.put("empty-line", new Bad(good.replace("version 0.1.0\n", "version 0.1.0\n\n"), "MALFORMED_LINE"));
        bads.put("non-ascii", new Bad(good.replace("version 0.1.0", "version 0.1.\u00e9"), "MALFORMED_LINE"));
        bads.put("extra-argument", new Bad(good.replace("bandwidth 2500000 5000000", "bandwidth 2500000 5000000 1"),
                "MALFORMED_LINE"));
        bads.put("leading-zero-port", new Bad(good.replace(":9001", ":09001"), "NOT_CANONICAL"));
        bads.put("compressed-ipv6", new Bad(good.replace("[2001:db8:0:0:0:0:0:1]", "[2001:db8::1]"),
                "NOT_CANONICAL"));
        bads.put("unsorted-family", new Bad(swapFamily(good), "NOT_CANONICAL"));
        bads.put("unknown-flag", new Bad(good.replace("flag FAST\n", "flag FAST\nflag EXIT\n"), "BAD_VALUE"));
        bads.put("bad-published-date", new Bad(good.replaceFirst("published [^\n]*\n",
                "published 2026-13-21T23:50:00Z\n"), "BAD_VALUE"));
        bads.put("hostname-address", new Bad(good.replace("192.0.2.7:9001", "relay.example:9001"), "BAD_VALUE"));
        bads.put("port-out-of-range", new Bad(good.replace(":9001", ":65536"), "BAD_VALUE"));
        bads.put("bandwidth-too-large", new Bad(good.replace("bandwidth 2500000 5000000",
                "bandwidth 2500000 1099511627777"), "BAD_VALUE"));
        bads.put("self-family", new Bad(good.replaceFirst("family [^\n]*\n", "family " + b64(key.publicKey())
                + "\n"), "BAD_VALUE"));

        write(resources.resolve("good-descriptors"), goods);
        Path badDir = resources.resolve("bad-descriptors");
        Map<String, String> texts = new LinkedHashMap<>();
        StringBuilder expected = new StringBuilder("# file name (without .txt) = expected DescriptorException.Reason\n"
                + "# written by BadDescriptorCorpusWriter; parsed at 2026-11-22T00:00:00Z with a 10 min skew\n");
        bads.forEach((name, bad) -> {
            texts.put(name, bad.text);
            expected.append(name).append('=').append(bad.reason).append('\n');
        });
        write(badDir, texts);
        Files.writeString(badDir.resolve("expected-reasons.properties"), expected);
        writeFuzzSeeds(resources.resolve("org/veilswarm/directory/core/DirectoryFuzzTestInputs"), goods, bads);
    }

    /** Seeds for {@link DirectoryFuzzTest}: the descriptor corpus, and headers and answers of a small consensus. */
    private static void writeFuzzSeeds(Path dir, Map<String, String> goods, Map<String, Bad> bads) throws IOException {
        Map<String, String> descriptors = new LinkedHashMap<>(goods);
        for (String name : List.of("unknown-keyword", "duplicate-bandwidth", "family-after-version",
                "compressed-ipv6", "changed-after-signing")) {
            descriptors.put(name, bads.get(name).text);
        }
        write(dir.resolve("parseDescriptor"), descriptors);
        MerkleDirectory d = ParserProperties.directory();
        Path headers = Files.createDirectories(dir.resolve("decodeHeader"));
        Files.write(headers.resolve("signed-by-3"), d.encodedHeader());
        Files.write(headers.resolve("unsigned"), d.header().header().withSignatures(List.of()).encode());
        Path answers = Files.createDirectories(dir.resolve("decodeAnswer"));
        byte[] id = d.header().header().consensusId();
        try {
            Files.write(answers.resolve("middle-first"), d.find(id, org.veilswarm.api.directory.RelayRole.MIDDLE, 0)
                    .encode());
            Files.write(answers.resolve("guard-last"), d.find(id, org.veilswarm.api.directory.RelayRole.GUARD,
                    d.tree(org.veilswarm.api.directory.RelayRole.GUARD).bandwidthSum() - 1).encode());
        } catch (org.veilswarm.api.directory.DirectoryException e) {
            throw new IllegalStateException(e);
        }
    }

    private record Bad(String text, String reason) {
    }

    private static void write(Path dir, Map<String, String> files) throws IOException {
        Files.createDirectories(dir);
        for (Map.Entry<String, String> e : files.entrySet()) {
            Files.write(dir.resolve(e.getKey() + ".txt"), e.getValue().getBytes(StandardCharsets.UTF_8));
        }
    }

    private static String text(byte[] document) {
        return new String(document, StandardCharsets.US_ASCII);
    }

    private static String b64(byte[] key) {
        return java.util.Base64.getEncoder().withoutPadding().encodeToString(key);
    }

    private static String removeLine(String doc, String keyword) {
        return doc.replaceFirst("(?m)^" + keyword + " [^\n]*\n", "");
    }

    /** Changes the last base64 character of a 32-byte key so that unused low bits are set (43rd char of 43). */
    private static String replaceLastCharOf(String doc, String prefix) {
        int start = doc.indexOf(prefix) + prefix.length();
        int end = doc.indexOf('\n', start);
        char last = doc.charAt(end - 1);
        // For 32 bytes the last char carries 4 data bits and 2 unused ones: flip the lowest bit.
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        char flipped = alphabet.charAt(alphabet.indexOf(last) ^ 1);
        return doc.substring(0, end - 1) + flipped + doc.substring(end);
    }

    private static String moveFirstFamilyAfterVersion(String doc) {
        int first = doc.indexOf("family ");
        int end = doc.indexOf('\n', first) + 1;
        String line = doc.substring(first, end);
        String without = doc.substring(0, first) + doc.substring(end);
        return without.replace("version 0.1.0\n", "version 0.1.0\n" + line);
    }

    private static String swapFamily(String doc) {
        int first = doc.indexOf("family ");
        int second = doc.indexOf("family ", first + 1);
        int secondEnd = doc.indexOf('\n', second) + 1;
        String a = doc.substring(first, second);
        String b = doc.substring(second, secondEnd);
        return doc.substring(0, first) + b + a + doc.substring(secondEnd);
    }
}
