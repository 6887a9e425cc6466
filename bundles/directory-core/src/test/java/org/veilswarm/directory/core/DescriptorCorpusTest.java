package org.veilswarm.directory.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.veilswarm.api.directory.SignedRelayDescriptor;

/** The committed good/bad descriptor corpus (see {@link BadDescriptorCorpusWriter}). */
class DescriptorCorpusTest {

    @TestFactory
    Stream<DynamicTest> everyBadDescriptorIsRejectedForItsExpectedReason() throws IOException {
        Properties expected = new Properties();
        try (InputStream in = getClass().getResourceAsStream("/bad-descriptors/expected-reasons.properties")) {
            expected.load(in);
        }
        assertEquals(expected.size(), files("bad-descriptors").size(), "every bad file has an expected reason");
        return expected.stringPropertyNames().stream().sorted().map(name -> DynamicTest.dynamicTest(name, () -> {
            byte[] bytes = Files.readAllBytes(resource("bad-descriptors").resolve(name + ".txt"));
            DescriptorException e = assertThrows(DescriptorException.class, () -> TestRelays.PARSER.parse(bytes));
            assertEquals(DescriptorException.Reason.valueOf(expected.getProperty(name)), e.reason(), e.getMessage());
        }));
    }

    @TestFactory
    Stream<DynamicTest> everyGoodDescriptorParsesAndReSerializesToTheSameBytes() {
        return files("good-descriptors").stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(),
                () -> {
                    byte[] bytes = Files.readAllBytes(file);
                    SignedRelayDescriptor parsed = TestRelays.PARSER.parse(bytes);
                    assertArrayEquals(bytes, parsed.document());
                    assertArrayEquals(bytes, resign(parsed));
                }));
    }

    @Test
    void theCorpusIsNotEmpty() {
        assertTrue(files("bad-descriptors").size() >= 30);
        assertTrue(files("good-descriptors").size() >= 3);
    }

    /** Ed25519 is deterministic: signing the parsed descriptor again with the same key gives the same file. */
    private static byte[] resign(SignedRelayDescriptor parsed) {
        return RelayDescriptorDocument.sign(parsed.descriptor(), TestRelays.key(1)).document();
    }

    private static List<Path> files(String dir) {
        try (Stream<Path> s = Files.list(resource(dir))) {
            return s.filter(p -> p.toString().endsWith(".txt")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path resource(String dir) {
        try {
            return Path.of(DescriptorCorpusTest.class.getResource("/" + dir).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
