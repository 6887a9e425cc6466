package org.veilswarm.transport.onion.hs.rend;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.veilswarm.crypto.Ed25519;
import org.veilswarm.crypto.Randoms;
import org.veilswarm.transport.onion.circuit.RelayTarget;

/**
 * Mutates valid INTRODUCE1/2, INTRODUCE2 plaintext and ESTABLISH_INTRO bodies (flips, overwrites,
 * truncations, insertions; fixed seed) and checks {@link RendCellFuzzing}'s properties on each: the
 * in-build stand-in for a fuzzer on what introduction points and services parse from strangers.
 */
class RendCellMutationTest {
    private static final int ROUNDS = 3000;

    private static void mutate(byte[] valid, long seed, Consumer<byte[]> check) {
        SplittableRandom random = new SplittableRandom(seed);
        for (int round = 0; round < ROUNDS; round++) {
            byte[] input = valid.clone();
            int edits = 1 + random.nextInt(4);
            for (int e = 0; e < edits && input.length > 0; e++) {
                int at = random.nextInt(input.length);
                switch (random.nextInt(4)) {
                    case 0 -> input[at] ^= (byte) (1 << random.nextInt(8));
                    case 1 -> input[at] = (byte) random.nextInt(256);
                    case 2 -> input = java.util.Arrays.copyOf(input, at);
                    default -> {
                        byte[] longer = new byte[input.length + 1];
                        System.arraycopy(input, 0, longer, 0, at);
                        longer[at] = (byte) random.nextInt(256);
                        System.arraycopy(input, at, longer, at + 1, input.length - at);
                        input = longer;
                    }
                }
            }
            check.accept(input);
        }
    }

    @Test
    void introduce() {
        byte[] valid = new Introduce1(Ed25519.generateKeyPair().publicKey(),
                List.of(new CellExtension(2, new byte[] {1, 2, 3})), Randoms.bytes(300)).encode();
        mutate(valid, 1, RendCellFuzzing::checkIntroduce);
    }

    @Test
    void introducePlaintext() {
        RelayTarget rp = new RelayTarget(Randoms.bytes(32), Randoms.bytes(32), new InetSocketAddress("127.0.0.1", 443));
        mutate(IntroducePlaintext.to(Randoms.bytes(20), rp).encode(0), 2, RendCellFuzzing::checkIntroducePlaintext);
    }

    @Test
    void establishIntro() {
        byte[] valid = EstablishIntro.create(Ed25519.generateKeyPair(), Randoms.bytes(20),
                List.of(new DosParameters(10, 20).toExtension())).encode();
        mutate(valid, 3, RendCellFuzzing::checkEstablishIntro);
    }

    @Test
    void introduceAuthentic() {
        RelayTarget rp = new RelayTarget(Randoms.bytes(32), Randoms.bytes(32), new InetSocketAddress("127.0.0.1", 443));
        byte[] plaintext = IntroducePlaintext.to(Randoms.bytes(20), rp).withCongestionControlRequest().encode(0);
        byte[] sealed = new byte[1 + plaintext.length];
        System.arraycopy(plaintext, 0, sealed, 1, plaintext.length);
        mutate(sealed, 4, RendCellFuzzing::checkIntroduceAuthentic);
        byte[] body = RendCellFuzzing.genuine(plaintext);
        byte[] raw = new byte[1 + body.length];
        raw[0] = 1;
        System.arraycopy(body, 0, raw, 1, body.length);
        mutate(raw, 5, RendCellFuzzing::checkIntroduceAuthentic);
    }
}
