package org.veilswarm.transport.onion.hs.rend;

import java.util.Arrays;
import org.veilswarm.crypto.Ed25519;
import org.veilswarm.crypto.X25519KeyPair;
import org.veilswarm.transport.onion.crypto.HandshakeFailedException;

/**
 * Properties of the rend-spec-v3 §3 parsers for any input: a body is refused with
 * {@link RendCellException} or it decodes to a value that encodes back to exactly the same bytes
 * (the INTRODUCE2 plaintext: back to the bytes up to its link specifiers, the rest is padding). Any
 * other exception is a bug.
 */
final class RendCellFuzzing {
    private RendCellFuzzing() {
    }

    /** Fixed keys of one intro point of one service, and of one client: inputs replay the same way every time. */
    private static final byte[] AUTH_KEY = Ed25519.publicKeyFromSeed(filled(32, 1));
    private static final X25519KeyPair ENC_KEY = X25519KeyPair.fromPrivateKey(filled(32, 2));
    private static final byte[] SUBCREDENTIAL = filled(32, 3);
    private static final X25519KeyPair CLIENT_KEY = X25519KeyPair.fromPrivateKey(filled(32, 4));
    private static final X25519KeyPair SERVICE_EPHEMERAL = X25519KeyPair.fromPrivateKey(filled(32, 5));

    /**
     * The service's whole decision on an INTRODUCE2 ({@link IntroductionCheck}) with cells a fuzzer could not
     * forge: the harness makes them authentic, so the decrypted plaintext, the replay cache and the tampering
     * checks are reached. The first input byte picks how the rest is used:
     * <ul>
     * <li>0: a client's plaintext, sealed as a genuine INTRODUCE2 to this intro point. Accepted exactly when the
     * plaintext (and its rendezvous point) parses, with the same plaintext bytes; otherwise refused as
     * malformed plaintext, never as unauthentic.</li>
     * <li>1: a raw INTRODUCE2 body from anyone: any decision, no exception; an accepted body sent again is a replay.</li>
     * <li>2: bytes 1-2 a position, byte 3 an XOR mask, the rest a plaintext: a genuine INTRODUCE2 with one byte
     * changed on the way (the intro point or a relay tampering) is never accepted.</li>
     * <li>3: the rest a plaintext: a genuine INTRODUCE2 sent twice is refused the second time as a replay.</li>
     * </ul>
     */
    static void checkIntroduceAuthentic(byte[] input) {
        if (input.length == 0) {
            return;
        }
        ReplayCache replays = new ReplayCache(16);
        switch (input[0] & 3) {
            case 0 -> {
                byte[] plaintext = Arrays.copyOfRange(input, 1, input.length);
                IntroductionCheck.Outcome outcome = decide(replays, genuine(plaintext));
                boolean wellFormed = parses(plaintext);
                if (outcome instanceof IntroductionCheck.Accepted accepted) {
                    require(wellFormed, "accepted a plaintext that does not parse");
                    require(Arrays.equals(accepted.result().plaintext(), plaintext), "decrypted plaintext differs from the sealed one");
                } else {
                    IntroductionCheck.Refused refused = (IntroductionCheck.Refused) outcome;
                    require(!wellFormed, "refused a genuine, well-formed INTRODUCE2: " + refused);
                    require(refused.reason() == IntroductionCheck.Reason.MALFORMED_PLAINTEXT,
                            "a genuine INTRODUCE2 refused for " + refused);
                }
            }
            case 1 -> {
                byte[] body = Arrays.copyOfRange(input, 1, input.length);
                if (decide(replays, body) instanceof IntroductionCheck.Accepted) {
                    IntroductionCheck.Outcome again = decide(replays, body);
                    require(again instanceof IntroductionCheck.Refused r && r.reason() == IntroductionCheck.Reason.REPLAY,
                            "an accepted INTRODUCE2 sent again was not refused as a replay: " + again);
                }
            }
            case 2 -> {
                if (input.length < 4) {
                    return;
                }
                byte[] body = genuine(Arrays.copyOfRange(input, 4, input.length));
                int at = ((input[1] & 0xFF) << 8 | (input[2] & 0xFF)) % body.length;
                body[at] ^= (byte) (input[3] == 0 ? 1 : input[3]);
                IntroductionCheck.Outcome outcome = decide(replays, body);
                require(outcome instanceof IntroductionCheck.Refused, "accepted an INTRODUCE2 changed at byte " + at);
            }
            default -> {
                // A genuine cell always gets past the MAC, so the first copy takes its replay slot whatever its plaintext.
                byte[] body = genuine(Arrays.copyOfRange(input, 1, input.length));
                decide(replays, body);
                IntroductionCheck.Outcome second = decide(replays, body);
                require(second instanceof IntroductionCheck.Refused r && r.reason() == IntroductionCheck.Reason.REPLAY,
                        "a genuine INTRODUCE2 sent twice was not refused as a replay: " + second);
            }
        }
    }

    /** An INTRODUCE2 body as a client that knows the service's descriptor makes it for {@code plaintext}. */
    static byte[] genuine(byte[] plaintext) {
        try {
            return Introduce1.seal(AUTH_KEY, HsNtor.Client.start(CLIENT_KEY, AUTH_KEY, ENC_KEY.publicKey(), SUBCREDENTIAL),
                    plaintext).encode();
        } catch (HandshakeFailedException e) {
            throw new AssertionError("the fixed keys cannot fail the handshake", e);
        }
    }

    private static IntroductionCheck.Outcome decide(ReplayCache replays, byte[] body) {
        return IntroductionCheck.check(AUTH_KEY, ENC_KEY, SUBCREDENTIAL, replays, body, SERVICE_EPHEMERAL);
    }

    private static boolean parses(byte[] plaintext) {
        try {
            IntroducePlaintext.decode(plaintext).rendezvousPoint();
            return true;
        } catch (RendCellException e) {
            return false;
        }
    }

    private static byte[] filled(int length, int value) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) value);
        return bytes;
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
