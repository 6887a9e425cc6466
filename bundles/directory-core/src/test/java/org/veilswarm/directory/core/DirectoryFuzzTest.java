package org.veilswarm.directory.core;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer fuzz targets for the descriptor, header, answer and consensus-list parsers (docs/fuzzing.md). In a plain
 * {@code mvn verify} each runs once per seed in
 * {@code src/test/resources/org/veilswarm/directory/core/DirectoryFuzzTestInputs/<method>/}; with
 * {@code JAZZER_FUZZ=1} Jazzer mutates. The properties are in {@link ParserProperties}.
 */
class DirectoryFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void parseDescriptor(byte[] input) {
        ParserProperties.descriptor(input);
    }

    @FuzzTest(maxDuration = "60s")
    void decodeHeader(byte[] input) {
        ParserProperties.header(input);
    }

    @FuzzTest(maxDuration = "60s")
    void decodeAnswer(byte[] input) {
        ParserProperties.answer(input);
    }

    @FuzzTest(maxDuration = "60s")
    void decodeConsensus(byte[] input) {
        ParserProperties.consensus(input);
    }
}
