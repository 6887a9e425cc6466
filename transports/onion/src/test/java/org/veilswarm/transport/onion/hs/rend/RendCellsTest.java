package org.veilswarm.transport.onion.hs.rend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.veilswarm.crypto.Ed25519;
import org.veilswarm.crypto.Ed25519KeyPair;
import org.veilswarm.crypto.Randoms;
import org.veilswarm.transport.onion.cell.RelayCommand;
import org.veilswarm.transport.onion.circuit.RelayTarget;

/** Codecs of rend-spec-v3 §3 cells: round trips, every truncation, trailing bytes, bad fields. */
class RendCellsTest {
    private final Ed25519KeyPair authKey = Ed25519.generateKeyPair();
    private final byte[] nonce = Randoms.bytes(20);

    interface Decoder {
        void decode(byte[] body) throws RendCellException;
    }

    /** Every strict prefix of {@code body} (down to {@code from} bytes) is refused with RendCellException. */
    private static void everyTruncationFails(byte[] body, int from, Decoder decoder) {
        for (int length = from; length < body.length; length++) {
            byte[] prefix = Arrays.copyOf(body, length);
            assertThrows(RendCellException.class, () -> decoder.decode(prefix), "prefix of " + length + " bytes");
        }
    }

    private static byte[] plusOne(byte[] body) {
        return Arrays.copyOf(body, body.length + 1);
    }

    @Test
    void establishIntroRoundTripsAndVerifies() throws Exception {
        DosParameters dos = new DosParameters(25, 200);
        EstablishIntro cell = EstablishIntro.create(authKey, nonce, List.of(dos.toExtension(), new CellExtension(0x77, new byte[] {1, 2})));
        byte[] body = cell.encode();
        assertEquals(3 + 32 + 1 + (2 + 1 + 18) + (2 + 2) + 32 + 2 + 64, body.length);
        EstablishIntro decoded = EstablishIntro.decode(body);
        assertArrayEquals(authKey.publicKey(), decoded.authKey());
        assertEquals(dos, decoded.dosParameters().orElseThrow());
        assertEquals(new CellExtension(0x77, new byte[] {1, 2}), decoded.extensions().get(1), "unknown extensions are kept");
        assertTrue(decoded.handshakeAuthValid(nonce));
        assertTrue(decoded.signatureValid());
        assertFalse(decoded.handshakeAuthValid(Randoms.bytes(20)), "another circuit's KH");
        assertEquals(RelayCommand.ESTABLISH_INTRO.code(), cell.toMessage().commandCode());
        everyTruncationFails(body, 0, EstablishIntro::decode);
        assertThrows(RendCellException.class, () -> EstablishIntro.decode(plusOne(body)));
    }

    @Test
    void establishIntroSignatureCoversEveryByte() throws Exception {
        byte[] body = EstablishIntro.create(authKey, nonce, List.of()).encode();
        for (int i = 0; i < body.length; i++) {
            byte[] bad = body.clone();
            bad[i] ^= 0x20;
            EstablishIntro decoded;
            try {
                decoded = EstablishIntro.decode(bad);
            } catch (RendCellException e) {
                continue; // a length or type field: malformed is refused too
            }
            assertFalse(decoded.signatureValid() && decoded.handshakeAuthValid(nonce), "flipped byte " + i);
        }
    }

    @Test
    void establishIntroRefusesOtherKeyTypesAndLengths() throws Exception {
        byte[] body = EstablishIntro.create(authKey, nonce, List.of()).encode();
        byte[] legacy = body.clone();
        legacy[0] = 0;
        assertTrue(assertThrows(RendCellException.class, () -> EstablishIntro.decode(legacy)).getMessage().contains("AUTH_KEY_TYPE"));
        byte[] keyLength = body.clone();
        keyLength[2] = 31;
        assertThrows(RendCellException.class, () -> EstablishIntro.decode(keyLength));
        byte[] sigLength = body.clone();
        sigLength[body.length - 65] = 63;
        assertTrue(assertThrows(RendCellException.class, () -> EstablishIntro.decode(sigLength)).getMessage().contains("SIG_LEN"));
    }

    @Test
    void dosParametersOutOfRangeAreMalformed() {
        byte[] value = new byte[1 + 9];
        value[0] = 1;
        value[1] = DosParameters.RATE;
        value[2] = (byte) 0x80; // 2^63: beyond 0x7fffffff
        assertThrows(RendCellException.class, () -> DosParameters.fromExtension(new CellExtension(1, value)));
        assertThrows(IllegalArgumentException.class, () -> new DosParameters(-1, 0));
    }

    @Test
    void introEstablishedAndAck() throws Exception {
        IntroEstablished established = new IntroEstablished(List.of(new CellExtension(9, new byte[3])));
        assertEquals(established.extensions(), IntroEstablished.decode(established.encode()).extensions());
        assertArrayEquals(new byte[] {0}, new IntroEstablished(List.of()).encode());
        everyTruncationFails(established.encode(), 0, IntroEstablished::decode);
        assertThrows(RendCellException.class, () -> IntroEstablished.decode(plusOne(established.encode())));

        IntroduceAck ack = new IntroduceAck(IntroduceAck.SERVICE_NOT_RECOGNIZED);
        assertArrayEquals(new byte[] {0, 1, 0}, ack.encode());
        assertEquals(ack, IntroduceAck.decode(ack.encode()));
        everyTruncationFails(ack.encode(), 0, IntroduceAck::decode);
        assertThrows(RendCellException.class, () -> IntroduceAck.decode(plusOne(ack.encode())));
    }

    @Test
    void introduce1RoundTripsAndRefusesV2AndShortSections() throws Exception {
        Introduce1 cell = new Introduce1(authKey.publicKey(), List.of(), Randoms.bytes(200));
        byte[] body = cell.encode();
        assertEquals(cell, Introduce1.decode("INTRODUCE1", body));
        int header = 20 + 3 + 32 + 1;
        assertArrayEquals(Arrays.copyOf(body, header), cell.header());
        // Up to CLIENT_PK and MAC every prefix is malformed; longer ones parse and fail the MAC (HsNtorTest).
        everyTruncationFails(Arrays.copyOf(body, header + HsNtor.ENCRYPTION_OVERHEAD), 0, b -> Introduce1.decode("INTRODUCE1", b));
        byte[] v2 = body.clone();
        v2[5] = 1;
        assertTrue(assertThrows(RendCellException.class, () -> Introduce1.decode("INTRODUCE2", v2)).getMessage()
                .contains("LEGACY_KEY_ID"));
        assertEquals(RelayCommand.INTRODUCE2.code(), cell.toIntroduce2().commandCode());
    }

    @Test
    void introducePlaintextRoundTripsWithPadding() throws Exception {
        RelayTarget rp = new RelayTarget(Randoms.bytes(32), Randoms.bytes(32), new InetSocketAddress("127.0.0.1", 9001));
        byte[] cookie = Randoms.bytes(20);
        IntroducePlaintext plaintext = IntroducePlaintext.to(cookie, rp);
        byte[] padded = plaintext.encode(400);
        assertEquals(400, padded.length);
        IntroducePlaintext decoded = IntroducePlaintext.decode(padded);
        assertEquals(plaintext, decoded);
        assertEquals(rp, decoded.rendezvousPoint());
        byte[] unpadded = plaintext.encode(0);
        everyTruncationFails(unpadded, 0, IntroducePlaintext::decode);
        byte[] noSpecs = unpadded.clone();
        noSpecs[20 + 1 + 3 + 32] = 0;
        assertThrows(RendCellException.class, () -> IntroducePlaintext.decode(noSpecs));
        byte[] badKeyType = unpadded.clone();
        badKeyType[21] = 2;
        assertThrows(RendCellException.class, () -> IntroducePlaintext.decode(badKeyType));
    }

    @Test
    void theCongestionControlRequestIsExtensionOneWithNoBody() throws Exception {
        RelayTarget rp = new RelayTarget(Randoms.bytes(32), Randoms.bytes(32), new InetSocketAddress("127.0.0.1", 9001));
        IntroducePlaintext plain = IntroducePlaintext.to(Randoms.bytes(20), rp);
        assertFalse(plain.requestsCongestionControl());
        IntroducePlaintext asking = plain.withCongestionControlRequest();
        byte[] encoded = asking.encode(0);
        // Proposal 324 §9.2: after the 20-byte cookie, N_EXTENSIONS = 1, EXT_FIELD_TYPE = 01, EXT_FIELD_LEN = 0.
        assertArrayEquals(new byte[] {1, 1, 0}, java.util.Arrays.copyOfRange(encoded, 20, 23));
        IntroducePlaintext decoded = IntroducePlaintext.decode(asking.encode(IntroducePlaintext.PADDED_INTRODUCE1_LEN));
        assertTrue(decoded.requestsCongestionControl());
        assertEquals(rp, decoded.rendezvousPoint());
        assertSame(asking, asking.withCongestionControlRequest(), "asked once");
    }

    @Test
    void rendezvousPointNeedsIdentityAndAddress() {
        byte[] onlyIdentity = org.veilswarm.transport.onion.hs.IntroPoint.encodeLinkSpecifiers(
                List.of(new org.veilswarm.transport.onion.hs.IntroPoint.LinkSpec(3, Randoms.bytes(32))));
        assertThrows(RendCellException.class, () -> LinkSpecifiers.decode(onlyIdentity, Randoms.bytes(32)));
    }

    @Test
    void fixedSizeRendezvousCells() throws Exception {
        byte[] cookie = Randoms.bytes(20);
        byte[] info = Randoms.bytes(64);
        assertArrayEquals(cookie, RendezvousCells.decodeEstablishRendezvous(RendezvousCells.establishRendezvous(cookie).body()));
        RendezvousCells.decodeRendezvousEstablished(RendezvousCells.rendezvousEstablished().body());
        byte[][] parts = RendezvousCells.decodeRendezvous1(RendezvousCells.rendezvous1(cookie, info).body());
        assertArrayEquals(cookie, parts[0]);
        assertArrayEquals(info, parts[1]);
        assertArrayEquals(info, RendezvousCells.decodeRendezvous2(RendezvousCells.rendezvous2(info).body()));
        everyTruncationFails(cookie, 0, RendezvousCells::decodeEstablishRendezvous);
        everyTruncationFails(RendezvousCells.rendezvous1(cookie, info).body(), 0, RendezvousCells::decodeRendezvous1);
        everyTruncationFails(info, 0, RendezvousCells::decodeRendezvous2);
        assertThrows(RendCellException.class, () -> RendezvousCells.decodeEstablishRendezvous(plusOne(cookie)));
        assertThrows(RendCellException.class, () -> RendezvousCells.decodeRendezvousEstablished(new byte[1]));
        assertThrows(RendCellException.class, () -> RendezvousCells.decodeRendezvous2(plusOne(info)));
        assertThrows(IllegalArgumentException.class, () -> RendezvousCells.establishRendezvous(new byte[19]));
    }
}
