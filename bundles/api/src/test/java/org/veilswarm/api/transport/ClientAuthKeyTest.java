package org.veilswarm.api.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.veilswarm.api.node.OnionAddress;

/** Client authorization keys in tor's text forms (api transport 1.3), bad input, and the SPI's defaults. */
class ClientAuthKeyTest {
    /** A key tor wrote: {@code tor-keygen}-style 52 base32 characters ending in q (its 4 padding bits zero). */
    private static final String KEY = "n2dmxdkbcjs3wdsc7mygk3dwj7xe7nxqnvebkjqxg6dgm3gtc5eq";

    @Test
    void keysReadAndWriteTorsTextForms() {
        ClientAuthPublicKey pub = ClientAuthPublicKey.parse("descriptor:x25519:" + KEY.toUpperCase());
        assertEquals("descriptor:x25519:" + KEY, pub.format());
        assertEquals(pub, ClientAuthPublicKey.parse(" " + KEY + "\n"));
        assertEquals(KEY, pub.base32());

        ClientAuthSecretKey secret = ClientAuthSecretKey.parse(KEY);
        OnionAddress address = OnionAddress.fromPublicKey(new byte[32]);
        String line = secret.format(address);
        assertEquals(address.label() + ":descriptor:x25519:" + KEY, line);
        assertEquals(secret, ClientAuthSecretKey.parse(line));
        assertEquals(Optional.of(address), ClientAuthSecretKey.parseAddress(line));
        assertEquals(Optional.empty(), ClientAuthSecretKey.parseAddress("descriptor:x25519:" + KEY));
        assertFalse(secret.toString().contains(KEY), "toString never shows a secret key");
    }

    @Test
    void generatedPairsRoundTripAndDiffer() {
        ClientAuthSecretKey.Pair a = ClientAuthSecretKey.generate();
        ClientAuthSecretKey.Pair b = ClientAuthSecretKey.generate();
        assertEquals(a.secret(), ClientAuthSecretKey.parse(a.secret().format()));
        assertEquals(a.publicKey(), ClientAuthPublicKey.parse(a.publicKey().format()));
        assertFalse(a.publicKey().equals(b.publicKey()));
        assertArrayEquals(a.publicKey().bytes(), ClientAuthPublicKey.of(a.publicKey().bytes()).bytes());
    }

    @Test
    void malformedKeysAreRefusedSayingWhy() {
        assertMessage("52 base32 characters", () -> ClientAuthPublicKey.parse(KEY.substring(1)));
        assertMessage("'1' at position 3", () -> ClientAuthSecretKey.parse("n21mxdkbcjs3wdsc7mygk3dwj7xe7nxqnvebkjqxg6dgm3gtc5eq"));
        assertMessage("padding bits", () -> ClientAuthPublicKey.parse(KEY.substring(0, 51) + "r"));
        assertMessage("descriptor:x25519:", () -> ClientAuthPublicKey.parse("descriptor:ed25519:" + KEY));
        assertMessage("not an onion address", () -> ClientAuthSecretKey.parse("abc:descriptor:x25519:" + KEY));
        assertMessage("32 bytes", () -> ClientAuthSecretKey.of(new byte[31]));
        assertMessage("32 bytes", () -> ClientAuthPublicKey.of(new byte[33]));
        assertMessage("at least one", ListenOptions::authorizedOnly);
        // a secret key's error never quotes the key
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ClientAuthSecretKey.parse("x" + KEY.substring(1, 51) + "!"));
        assertFalse(e.getMessage().contains(KEY.substring(1, 51)), e.getMessage());
    }

    @Test
    void randomTextNeverParsesIntoAnythingButAKeyOrAClearError() {
        Random random = new Random(5);
        String alphabet = "abcdefghijklmnopqrstuvwxyz234567ABC01:!x .\n";
        for (int i = 0; i < 20_000; i++) {
            StringBuilder s = new StringBuilder(random.nextBoolean() ? "descriptor:x25519:" : "");
            int length = random.nextInt(70);
            for (int j = 0; j < length; j++) {
                s.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            try {
                assertEquals(32, ClientAuthSecretKey.parse(s.toString()).bytes().length);
            } catch (IllegalArgumentException expected) {
                assertTrue(expected.getMessage() != null && !expected.getMessage().isBlank());
            }
        }
    }

    @Test
    void aTransportWithoutClientAuthorizationRefusesRatherThanPublishOpenly() throws Exception {
        Transport plain = new Transport() {
            @Override
            public TransportInfo info() {
                return new TransportInfo("plain", Anonymity.NONE, false, 0, "test");
            }

            @Override
            public boolean canReach(TransportAddress address) {
                return true;
            }

            @Override
            public CompletionStage<Listener> listen(ServiceKey key, int port, ChannelInitializer<Channel> init) {
                return CompletableFuture.failedStage(new AssertionError("must not listen publicly"));
            }

            @Override
            public CompletionStage<Channel> connect(TransportAddress to, ChannelInitializer<Channel> init) {
                return CompletableFuture.failedStage(new AssertionError("must not connect without the key"));
            }

            @Override
            public RelayCounters relayCounters() {
                return RelayCounters.NONE;
            }
        };
        assertFalse(plain.supportsClientAuthorization());
        ExecutionException listen = assertThrows(ExecutionException.class, () -> plain.listen(null, 1, null,
                new ListenOptions(Set.of(ClientAuthSecretKey.generate().publicKey()))).toCompletableFuture().get());
        assertEquals(TransportException.Reason.UNSUPPORTED_OPTION, ((TransportException) listen.getCause()).reason());
        ExecutionException connect = assertThrows(ExecutionException.class, () -> plain.connect(
                new TransportAddress("127.0.0.1", 1), null, ConnectOptions.clientAuth(ClientAuthSecretKey.generate()
                        .secret())).toCompletableFuture().get());
        assertEquals(TransportException.Reason.UNSUPPORTED_OPTION, ((TransportException) connect.getCause()).reason());
        assertTrue(connect.getCause().getMessage().contains("plain transport does not support"));
    }

    private static void assertMessage(String part, org.junit.jupiter.api.function.Executable parse) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, parse);
        assertTrue(e.getMessage().contains(part), () -> "expected '" + part + "' in: " + e.getMessage());
    }
}
