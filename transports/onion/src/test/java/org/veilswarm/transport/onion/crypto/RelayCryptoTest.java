package org.veilswarm.transport.onion.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.veilswarm.crypto.X25519;
import org.veilswarm.crypto.X25519KeyPair;
import org.veilswarm.transport.onion.cell.Begin;
import org.veilswarm.transport.onion.cell.CellFormat;
import org.veilswarm.transport.onion.cell.Data;
import org.veilswarm.transport.onion.cell.Relay;
import org.veilswarm.transport.onion.cell.RelayEnvelope;
import org.veilswarm.transport.onion.cell.RelayMessage;
import org.veilswarm.transport.onion.cell.RelayPadding;
import org.veilswarm.transport.onion.cell.RelayPayloadCodec;
import org.veilswarm.transport.onion.testing.LeakCheck;

/**
 * tor1 relay crypto (tor-spec §5.5, §6.1) on a three-hop circuit whose keys come from real ntor
 * handshakes: every hop can be addressed in both directions, cells for later hops pass earlier ones,
 * tampering is detected.
 */
@ExtendWith(LeakCheck.class)
class RelayCryptoTest {
    private static final int HOPS = 3;
    private static final ByteBufAllocator ALLOC = PooledByteBufAllocator.DEFAULT;

    private OriginCircuitCrypto origin;
    private List<RelayCircuitCrypto> relays;

    @BeforeEach
    void buildCircuit() throws HandshakeFailedException {
        origin = new OriginCircuitCrypto(0x80000001);
        relays = new ArrayList<>();
        for (int hop = 0; hop < HOPS; hop++) {
            byte[] identity = NtorTest.filled(hop + 1, 20);
            X25519KeyPair onionKey = X25519.generateKeyPair();
            NtorClient client = NtorClient.start(new NtorPublicKey(identity, onionKey.publicKey()));
            NtorServer.Reply reply = new NtorServer(identity, List.of(onionKey)).respond(client.clientHandshake());
            origin.addHop(client.finish(reply.serverHandshake()));
            relays.add(new RelayCircuitCrypto(reply.keys()));
        }
    }

    private static ByteBuf plaintext(int streamId, RelayMessage message) {
        return RelayPayloadCodec.encode(streamId, message, ALLOC, RelayPadding.RANDOM);
    }

    private static Data data(String text) {
        return new Data(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
    }

    /** Sends a cell from the client to {@code target}; returns the hop that recognized it, or -1. */
    private int sendForward(ByteBuf payload, int target) {
        origin.encrypt(payload, target);
        for (int hop = 0; hop < HOPS; hop++) {
            if (relays.get(hop).decryptForward(payload)) {
                return hop;
            }
        }
        return -1;
    }

    /** Sends a cell from {@code source} back to the client; returns the hop the client attributes it to. */
    private int sendBackward(ByteBuf payload, int source) throws UnrecognizedCellException {
        relays.get(source).originateBackward(payload);
        for (int hop = source - 1; hop >= 0; hop--) {
            relays.get(hop).encryptBackward(payload);
        }
        return origin.decrypt(payload);
    }

    @Test
    void threeHopOnionRoundTripsToEveryHopInBothDirections() throws Exception {
        for (int target = 0; target < HOPS; target++) {
            Begin begin = new Begin("hop" + target + ".example", 443, 0);
            ByteBuf forward = plaintext(7, begin);
            try {
                assertEquals(target, sendForward(forward, target));
                RelayEnvelope received = RelayPayloadCodec.decode(1, forward);
                assertEquals(7, received.streamId());
                assertEquals(begin, received.message());
            } finally {
                forward.release();
            }

            ByteBuf backward = plaintext(7, data("reply from " + target));
            try {
                assertEquals(target, sendBackward(backward, target));
                RelayEnvelope received = RelayPayloadCodec.decode(1, backward);
                Data reply = (Data) received.message();
                assertEquals("reply from " + target, reply.content().toString(StandardCharsets.UTF_8));
                reply.release();
            } finally {
                backward.release();
            }
        }
    }

    @Test
    void aCellForALaterHopPassesEarlierHopsWithItsContentIntact() {
        ByteBuf payload = plaintext(3, data("for the last hop"));
        byte[] before = ByteBufUtil.getBytes(payload);
        try {
            origin.encrypt(payload, 2);
            assertFalse(relays.get(0).decryptForward(payload), "hop 0 must pass it on");
            assertFalse(relays.get(1).decryptForward(payload), "hop 1 must pass it on");
            assertTrue(relays.get(2).decryptForward(payload));
            byte[] after = ByteBufUtil.getBytes(payload);
            // Everything but the digest field (which the origin filled in) arrives unchanged.
            Arrays.fill(after, CellFormat.RELAY_DIGEST_OFFSET, CellFormat.RELAY_DIGEST_OFFSET + 4, (byte) 0);
            assertArrayEquals(before, after);
        } finally {
            payload.release();
        }
        // The hops that passed it on kept their digests in step: they still recognize their own cells.
        for (int target = 0; target < HOPS; target++) {
            ByteBuf next = plaintext(3, data("then to hop " + target));
            try {
                assertEquals(target, sendForward(next, target));
            } finally {
                next.release();
            }
        }
    }

    @Test
    void manyInterleavedCellsKeepEveryRunningDigestInStep() throws Exception {
        Random random = new Random(42);
        for (int i = 0; i < 600; i++) {
            int hop = random.nextInt(HOPS);
            ByteBuf payload = plaintext(1 + random.nextInt(100), data("cell " + i));
            try {
                if (random.nextBoolean()) {
                    assertEquals(hop, sendForward(payload, hop), "forward cell " + i);
                } else {
                    assertEquals(hop, sendBackward(payload, hop), "backward cell " + i);
                }
            } finally {
                payload.release();
            }
        }
    }

    @Test
    void aTamperedCellFailsTheDigest() {
        for (int bit : new int[] {8 * 20, 8 * 300 + 3, 8 * 508 + 7}) {
            ByteBuf payload = plaintext(5, data("do not touch"));
            try {
                origin.encrypt(payload, 1);
                int index = bit / 8;
                payload.setByte(index, payload.getByte(index) ^ (1 << (bit % 8)));
                assertFalse(relays.get(0).decryptForward(payload));
                assertFalse(relays.get(1).decryptForward(payload), "hop 1 must not accept a modified cell");
                assertFalse(relays.get(2).decryptForward(payload), "and the last hop must not either (DESTROY)");
            } finally {
                payload.release();
            }
            buildCircuitUnchecked();
        }
    }

    @Test
    void aTamperedBackwardCellIsRecognizedByNoHop() throws Exception {
        ByteBuf payload = plaintext(5, data("towards the client"));
        try {
            relays.get(2).originateBackward(payload);
            payload.setByte(200, payload.getByte(200) ^ 1);
            relays.get(1).encryptBackward(payload);
            relays.get(0).encryptBackward(payload);
            assertThrows(UnrecognizedCellException.class, () -> origin.decrypt(payload));
        } finally {
            payload.release();
        }
    }

    @Test
    void sendmeDigestsAgreeOnBothEnds() throws Exception {
        ByteBuf forward = plaintext(1, data("triggers a SENDME"));
        ByteBuf backward = plaintext(1, data("and back"));
        try {
            sendForward(forward, 2);
            assertNotNull(origin.lastSentDigest(2));
            assertArrayEquals(origin.lastSentDigest(2), relays.get(2).lastReceivedDigest());
            assertEquals(20, origin.lastSentDigest(2).length);
            sendBackward(backward, 1);
            assertArrayEquals(relays.get(1).lastSentDigest(), origin.lastReceivedDigest(1));
        } finally {
            forward.release();
            backward.release();
        }
    }

    @Test
    void relayCellPayloadsOnDirectAndHeapBuffersGiveTheSameBytes() {
        CircuitKeys keys = fixedKeys();
        OriginCircuitCrypto heapSide = new OriginCircuitCrypto(1);
        OriginCircuitCrypto directSide = new OriginCircuitCrypto(1);
        heapSide.addHop(keys);
        directSide.addHop(keys);
        byte[] plain = new byte[CellFormat.PAYLOAD_LEN];
        new Random(7).nextBytes(plain);
        plain[1] = 0;
        plain[2] = 0;
        ByteBuf heap = Unpooled.buffer(CellFormat.PAYLOAD_LEN).writeBytes(plain);
        Relay direct = new Relay(9, ALLOC.directBuffer(CellFormat.PAYLOAD_LEN).writeBytes(plain));
        try {
            heapSide.encrypt(heap, 0);
            directSide.encrypt(direct, 0);
            assertEquals(heap, direct.content());
        } finally {
            heap.release();
            ReferenceCountUtil.release(direct);
        }
    }

    /**
     * An independent computation of tor-spec §6.1 and §0.3 with the JDK: digest = SHA-1(Df | payload with a
     * zero digest field)[0..4], ciphertext = payload XOR AES-128-CTR(Kf, IV = 0).
     */
    @Test
    void matchesAnIndependentComputationOfTheSpec() throws Exception {
        CircuitKeys keys = fixedKeys();
        RelayCircuitCrypto relay = new RelayCircuitCrypto(keys);
        byte[] plain = new byte[CellFormat.PAYLOAD_LEN];
        new Random(11).nextBytes(plain);
        plain[1] = 0;
        plain[2] = 0;
        Arrays.fill(plain, 5, 9, (byte) 0);

        MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
        sha1.update(keys.backwardDigestSeed());
        sha1.update(plain);
        byte[] expected = plain.clone();
        System.arraycopy(sha1.digest(), 0, expected, 5, 4);
        Cipher aes = Cipher.getInstance("AES/CTR/NoPadding");
        aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(keys.backwardKey(), "AES"), new IvParameterSpec(new byte[16]));
        expected = aes.doFinal(expected);

        ByteBuf payload = Unpooled.buffer().writeBytes(plain);
        try {
            relay.originateBackward(payload);
            assertArrayEquals(expected, ByteBufUtil.getBytes(payload));
        } finally {
            payload.release();
        }
    }

    @Test
    void aDigestMismatchWithRecognizedZeroDoesNotAdvanceTheRunningDigest() {
        CircuitKeys keys = fixedKeys();
        Tor1Direction sender = new Tor1Direction(keys.forwardKey(), keys.forwardDigestSeed());
        Tor1Direction receiver = new Tor1Direction(keys.forwardKey(), keys.forwardDigestSeed());
        byte[] genuine = new byte[CellFormat.PAYLOAD_LEN];
        sender.seal(genuine, 0);
        byte[] impostor = new byte[CellFormat.PAYLOAD_LEN];
        System.arraycopy(genuine, 0, impostor, 0, impostor.length);
        impostor[CellFormat.RELAY_DIGEST_OFFSET + 3] ^= 1;
        assertFalse(receiver.open(impostor, 0), "Recognized is 0 but the digest is wrong");
        assertTrue(receiver.open(genuine, 0), "the running digest did not move");
    }

    @Test
    void rejectedCellsBetweenGenuineOnesLeaveTheRunningDigestInStepWithSha1AndSha3() {
        // open() digests a candidate in a spare digest and swaps it in only when the cell is this hop's.
        for (boolean sha3 : new boolean[] {false, true}) {
            Tor1Direction sender = direction(sha3);
            Tor1Direction receiver = direction(sha3);
            for (int i = 0; i < 40; i++) {
                byte[] genuine = new byte[CellFormat.PAYLOAD_LEN];
                genuine[11 + i % 400] = (byte) (i + 1);
                sender.seal(genuine, 0);
                byte[] impostor = genuine.clone();
                impostor[CellFormat.RELAY_DIGEST_OFFSET + i % 4] ^= 1;
                if (i % 3 != 0) {
                    assertFalse(receiver.open(impostor, 0), (sha3 ? "SHA3" : "SHA-1") + " impostor " + i);
                }
                assertTrue(receiver.open(genuine, 0), (sha3 ? "SHA3" : "SHA-1") + " cell " + i);
                assertArrayEquals(sender.lastDigest(), receiver.lastDigest(), (sha3 ? "SHA3" : "SHA-1") + " cell " + i);
            }
        }
    }

    private static Tor1Direction direction(boolean sha3) {
        byte[] seed = new byte[32];
        java.util.Arrays.fill(seed, (byte) 7);
        return sha3 ? new Tor1Direction(org.veilswarm.crypto.AesCtr.aes256(new byte[32]),
                org.veilswarm.crypto.RunningDigest.sha3_256().update(seed))
                : new Tor1Direction(new byte[16], seed);
    }

    @Test
    void payloadsMustBe509Bytes() {
        ByteBuf shortPayload = Unpooled.buffer().writeZero(100);
        try {
            assertThrows(IllegalArgumentException.class, () -> origin.encrypt(shortPayload, 0));
            assertThrows(IllegalArgumentException.class, () -> relays.get(0).decryptForward(shortPayload));
            assertThrows(IndexOutOfBoundsException.class, () -> origin.lastSentDigest(HOPS));
        } finally {
            shortPayload.release();
        }
    }

    private void buildCircuitUnchecked() {
        try {
            buildCircuit();
        } catch (HandshakeFailedException e) {
            throw new AssertionError(e);
        }
    }

    static CircuitKeys fixedKeys() {
        byte[] material = new byte[CircuitKeys.MATERIAL_LEN];
        for (int i = 0; i < material.length; i++) {
            material[i] = (byte) i;
        }
        return CircuitKeys.fromKeyMaterial(material);
    }
}
