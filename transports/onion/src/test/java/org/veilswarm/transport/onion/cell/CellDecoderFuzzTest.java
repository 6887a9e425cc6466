package org.veilswarm.transport.onion.cell;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.extension.ExtendWith;
import org.veilswarm.transport.onion.testing.LeakCheck;

/**
 * Jazzer fuzz targets for the cell decoder and the relay payload codec. A plain {@code mvn verify} runs
 * them once per seed in {@code src/test/resources/org/veilswarm/transport/onion/cell/CellDecoderFuzzTestInputs/<method>/};
 * {@code JAZZER_FUZZ=1 mvn -pl transports/onion test -Dtest=CellDecoderFuzzTest} fuzzes for real.
 * {@link CellDecoderMutationTest} mutates the same seeds in every build. Properties: {@link CellFuzzing}.
 */
@ExtendWith(LeakCheck.PerClass.class)
class CellDecoderFuzzTest {

    /** A link from its first byte: 2-byte circuit IDs until VERSIONS, then protocol 4. */
    @FuzzTest(maxDuration = "60s")
    void decodeFromLinkStart(byte[] input) {
        CellFuzzing.check(2, input, splits(input));
    }

    /** A link that negotiated protocol 4. */
    @FuzzTest(maxDuration = "60s")
    void decodeNegotiatedLink(byte[] input) {
        CellFuzzing.check(4, input, splits(input));
    }

    /** A decrypted relay payload (tor-spec §6.1). */
    @FuzzTest(maxDuration = "60s")
    void decodeRelayPayload(byte[] input) {
        CellFuzzing.checkRelayPayload(input);
    }

    /** Chunk boundaries that depend on the input, so that Jazzer also explores how it is split. */
    private static int[] splits(byte[] input) {
        int n = input.length;
        int salt = n == 0 ? 0 : input[n - 1] & 0xFF;
        return new int[] {Math.min(n, 1 + salt % 7), n / 3, n / 2 + salt % 5, n - 1};
    }
}
