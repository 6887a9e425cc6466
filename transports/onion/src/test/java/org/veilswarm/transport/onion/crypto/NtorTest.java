package org.veilswarm.transport.onion.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.veilswarm.crypto.X25519;
import org.veilswarm.crypto.X25519KeyPair;
import org.veilswarm.transport.onion.crypto.HandshakeFailedException.Reason;
import org.veilswarm.transport.onion.testing.Vectors;
import org.veilswarm.transport.onion.testing.Vectors.Vector;

/** The ntor handshake, tor-spec §5.1.4: the reference vector, round trips, and every way to fail. */
class NtorTest {
    private static final byte[] RELAY_ID = filled(12, 20);

    static byte[] filled(int value, int length) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) value);
        return bytes;
    }

    /** Df | Db | Kf | Kb, the first 72 bytes of the key expansion. */
    static byte[] relayKeyBytes(CircuitKeys keys) {
        return Ntor.concat(keys.forwardDigestSeed(), keys.backwardDigestSeed(), keys.forwardKey(), keys.backwardKey());
    }

    @Test
    void testVector() throws Exception {
        Vector v = Vectors.single("ntor.txt");
        X25519KeyPair b = X25519KeyPair.fromPrivateKey(v.hex("b_sk"));
        X25519KeyPair x = X25519KeyPair.fromPrivateKey(v.hex("x_sk"));
        X25519KeyPair y = X25519KeyPair.fromPrivateKey(v.hex("y_sk"));
        assertArrayEquals(v.hex("b_pk"), b.publicKey());
        assertArrayEquals(v.hex("x_pk"), x.publicKey());
        assertArrayEquals(v.hex("y_pk"), y.publicKey());

        NtorClient client = NtorClient.start(new NtorPublicKey(v.hex("id"), v.hex("b_pk")), x);
        assertArrayEquals(v.hex("client_handshake"), client.clientHandshake());

        NtorServer.Reply reply = new NtorServer(v.hex("id"), List.of(b)).respond(client.clientHandshake(), y);
        assertArrayEquals(v.hex("server_handshake"), reply.serverHandshake());
        assertArrayEquals(v.hex("keys"), relayKeyBytes(reply.keys()));

        CircuitKeys clientKeys = client.finish(reply.serverHandshake());
        assertArrayEquals(v.hex("keys"), relayKeyBytes(clientKeys));
        assertArrayEquals(reply.keys().nonce(), clientKeys.nonce());
    }

    @Test
    void simpleRoundTrip() throws Exception {
        X25519KeyPair onionKey = X25519.generateKeyPair();
        NtorServer server = new NtorServer(RELAY_ID, List.of(onionKey));
        NtorClient client = NtorClient.start(new NtorPublicKey(RELAY_ID, onionKey.publicKey()));
        byte[] clientHandshake = client.clientHandshake();
        assertEquals(NtorClient.CLIENT_HANDSHAKE_LEN, clientHandshake.length);

        NtorServer.Reply reply = server.respond(clientHandshake);
        assertEquals(NtorClient.SERVER_HANDSHAKE_LEN, reply.serverHandshake().length);
        CircuitKeys clientKeys = client.finish(reply.serverHandshake());

        assertArrayEquals(reply.keys().forwardKey(), clientKeys.forwardKey());
        assertArrayEquals(reply.keys().backwardKey(), clientKeys.backwardKey());
        assertArrayEquals(reply.keys().forwardDigestSeed(), clientKeys.forwardDigestSeed());
        assertArrayEquals(reply.keys().backwardDigestSeed(), clientKeys.backwardDigestSeed());
        assertArrayEquals(reply.keys().nonce(), clientKeys.nonce());
        assertFalse(Arrays.equals(clientKeys.forwardKey(), clientKeys.backwardKey()));
    }

    @Test
    void twoHandshakesGiveDifferentKeys() throws Exception {
        X25519KeyPair onionKey = X25519.generateKeyPair();
        NtorServer server = new NtorServer(RELAY_ID, List.of(onionKey));
        NtorPublicKey relay = new NtorPublicKey(RELAY_ID, onionKey.publicKey());
        NtorClient first = NtorClient.start(relay);
        NtorClient second = NtorClient.start(relay);
        CircuitKeys a = first.finish(server.respond(first.clientHandshake()).serverHandshake());
        CircuitKeys b = second.finish(server.respond(second.clientHandshake()).serverHandshake());
        assertFalse(Arrays.equals(a.forwardKey(), b.forwardKey()));
    }

    @Test
    void anOlderPublishedOnionKeyStillWorks() throws Exception {
        X25519KeyPair current = X25519.generateKeyPair();
        X25519KeyPair previous = X25519.generateKeyPair();
        NtorServer server = new NtorServer(RELAY_ID, List.of(current, previous));
        NtorClient client = NtorClient.start(new NtorPublicKey(RELAY_ID, previous.publicKey()));
        NtorServer.Reply reply = server.respond(client.clientHandshake());
        assertArrayEquals(reply.keys().forwardKey(), client.finish(reply.serverHandshake()).forwardKey());
    }

    @Test
    void failingHandshakes() throws Exception {
        X25519KeyPair onionKey = X25519.generateKeyPair();
        NtorServer server = new NtorServer(RELAY_ID, List.of(onionKey));

        // The client names another relay, or an onion key the relay does not hold.
        NtorClient wrongIdentity = NtorClient.start(new NtorPublicKey(filled(13, 20), onionKey.publicKey()));
        assertEquals(Reason.UNKNOWN_IDENTITY, assertThrows(HandshakeFailedException.class,
                () -> server.respond(wrongIdentity.clientHandshake())).reason());
        NtorClient wrongKey = NtorClient.start(new NtorPublicKey(RELAY_ID, X25519.generateKeyPair().publicKey()));
        assertEquals(Reason.UNKNOWN_ONION_KEY, assertThrows(HandshakeFailedException.class,
                () -> server.respond(wrongKey.clientHandshake())).reason());

        // A relay that publishes B but does not know b cannot produce a valid AUTH.
        X25519KeyPair impostorKey = new X25519KeyPair(X25519.generateKeyPair().privateKey(), onionKey.publicKey());
        NtorServer impostor = new NtorServer(RELAY_ID, List.of(impostorKey));
        NtorClient fooled = NtorClient.start(new NtorPublicKey(RELAY_ID, onionKey.publicKey()));
        byte[] impostorReply = impostor.respond(fooled.clientHandshake()).serverHandshake();
        assertEquals(Reason.BAD_AUTH, assertThrows(HandshakeFailedException.class,
                () -> fooled.finish(impostorReply)).reason());
    }

    @Test
    void everyFlippedByteOfTheServerReplyIsRejected() throws Exception {
        X25519KeyPair onionKey = X25519.generateKeyPair();
        NtorServer server = new NtorServer(RELAY_ID, List.of(onionKey));
        for (int position = 0; position < NtorClient.SERVER_HANDSHAKE_LEN; position++) {
            NtorClient client = NtorClient.start(new NtorPublicKey(RELAY_ID, onionKey.publicKey()));
            byte[] reply = server.respond(client.clientHandshake()).serverHandshake();
            reply[position] ^= 7;
            HandshakeFailedException e = assertThrows(HandshakeFailedException.class, () -> client.finish(reply),
                    "flipped byte " + position);
            assertEquals(Reason.BAD_AUTH, e.reason(), "flipped byte " + position);
        }
    }

    @Test
    void allZeroSharedSecretsAreRejected() throws Exception {
        // 0 is a point of small order: EXP(0, anything) is the point at infinity (all-zero output).
        X25519KeyPair onionKey = X25519.generateKeyPair();
        NtorServer server = new NtorServer(RELAY_ID, List.of(onionKey));
        byte[] clientHandshake = NtorClient.start(new NtorPublicKey(RELAY_ID, onionKey.publicKey())).clientHandshake();
        Arrays.fill(clientHandshake, 52, 84, (byte) 0);
        assertEquals(Reason.DEGENERATE_KEY, assertThrows(HandshakeFailedException.class,
                () -> server.respond(clientHandshake)).reason());

        NtorClient client = NtorClient.start(new NtorPublicKey(RELAY_ID, onionKey.publicKey()));
        byte[] reply = server.respond(client.clientHandshake()).serverHandshake();
        Arrays.fill(reply, 0, 32, (byte) 0);
        assertEquals(Reason.DEGENERATE_KEY, assertThrows(HandshakeFailedException.class,
                () -> client.finish(reply)).reason());
    }

    @Test
    void malformedMessagesAndReuse() throws Exception {
        X25519KeyPair onionKey = X25519.generateKeyPair();
        NtorServer server = new NtorServer(RELAY_ID, List.of(onionKey));
        assertEquals(Reason.MALFORMED, assertThrows(HandshakeFailedException.class,
                () -> server.respond(new byte[83])).reason());
        NtorClient client = NtorClient.start(new NtorPublicKey(RELAY_ID, onionKey.publicKey()));
        assertEquals(Reason.MALFORMED, assertThrows(HandshakeFailedException.class,
                () -> client.finish(new byte[65])).reason());
        assertThrows(IllegalStateException.class, () -> client.finish(new byte[64]), "one use only");
    }
}
