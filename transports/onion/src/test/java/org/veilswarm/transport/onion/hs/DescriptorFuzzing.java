package org.veilswarm.transport.onion.hs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.time.Instant;

/**
 * The properties every descriptor parser must keep on any input: it either refuses with a
 * {@link DescriptorException} or accepts something that encodes back to exactly the input; no other
 * exception escapes, and verification of an accepted document fails only with a reason.
 */
final class DescriptorFuzzing {
    private static final Instant NOW = Instant.parse("2026-11-22T04:00:00Z");

    private DescriptorFuzzing() {
    }

    static void checkOuter(byte[] input) {
        HsDescriptor parsed;
        try {
            parsed = HsDescriptor.parse(input);
        } catch (DescriptorException refused) {
            return;
        }
        assertArrayEquals(input, parsed.encoded());
        try {
            parsed.verify(NOW);
        } catch (DescriptorException refused) {
            // a reason is all we ask for
        }
    }

    static void checkFirstLayer(byte[] input) {
        FirstLayer parsed;
        try {
            parsed = FirstLayer.parse(input);
        } catch (DescriptorException refused) {
            return;
        }
        int length = input.length;
        while (length > 0 && input[length - 1] == 0) {
            length--;
        }
        assertArrayEquals(java.util.Arrays.copyOf(input, length), parsed.encode());
    }

    static void checkSecondLayer(byte[] input) {
        SecondLayer parsed;
        try {
            parsed = SecondLayer.parse(input);
        } catch (DescriptorException refused) {
            return;
        }
        assertArrayEquals(input, parsed.encode());
        try {
            parsed.verify(new byte[32], NOW);
        } catch (DescriptorException refused) {
            // certificates signed by someone else are refused with a reason
        }
    }
}
