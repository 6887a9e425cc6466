package org.veilswarm.transport.onion.hs.rend;

import java.util.Arrays;

/**
 * Properties of the rend-spec-v3 §3 parsers for any input: a body is refused with
 * {@link RendCellException} or it decodes to a value that encodes back to exactly the same bytes
 * (the INTRODUCE2 plaintext: back to the bytes up to its link specifiers, the rest is padding). Any
 * other exception is a bug.
 */
final class RendCellFuzzing {
    private RendCellFuzzing() {
    }

    static void checkIntroduce(byte[] input) {
        try {
            Introduce1 cell = Introduce1.decode("INTRODUCE2", input);
            require(Arrays.equals(cell.encode(), input), "INTRODUCE1 re-encodes differently");
        } catch (RendCellException refused) {
            // fine: a reason was given
        }
    }

    static void checkIntroducePlaintext(byte[] input) {
        try {
            IntroducePlaintext plaintext = IntroducePlaintext.decode(input);
            byte[] again = plaintext.encode(0);
            require(Arrays.equals(again, Arrays.copyOf(input, again.length)), "INTRODUCE2 plaintext re-encodes differently");
            try {
                plaintext.rendezvousPoint();
            } catch (RendCellException refused) {
                // fine
            }
        } catch (RendCellException refused) {
            // fine
        }
    }

    static void checkEstablishIntro(byte[] input) {
        try {
            EstablishIntro cell = EstablishIntro.decode(input);
            require(Arrays.equals(cell.encode(), input), "ESTABLISH_INTRO re-encodes differently");
            cell.signatureValid();
            cell.handshakeAuthValid(new byte[20]);
            cell.dosParameters();
        } catch (RendCellException refused) {
            // fine
        }
    }

    private static void require(boolean condition, String what) {
        if (!condition) {
            throw new AssertionError(what);
        }
    }
}
