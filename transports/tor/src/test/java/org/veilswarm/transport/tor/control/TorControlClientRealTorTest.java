package org.veilswarm.transport.tor.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.veilswarm.api.node.OnionAddress;
import org.veilswarm.crypto.Ed25519;
import org.veilswarm.crypto.Ed25519KeyPair;
import org.veilswarm.crypto.Randoms;
import org.veilswarm.transport.tor.process.TorProcess;
import org.veilswarm.transport.tor.testing.RealTor;

/**
 * The client against one real C tor (Debian {@code tor}) on 127.0.0.1 with DisableNetwork 1: no
 * traffic leaves loopback. The last test shuts tor down with SIGNAL SHUTDOWN.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TorControlClientRealTorTest {
    @TempDir
    static Path dir;
    static TorProcess tor;

    @BeforeAll
    static void startTor() throws Exception {
        tor = RealTor.offline(dir.resolve("tor")).start();
    }

    @AfterAll
    static void stopTor() {
        if (tor != null) {
            tor.stop();
        }
    }

    private static TorControlClient connect() throws TorControlException {
        return TorControlClient.connect(tor.controlPort());
    }

    private static TorControlClient authenticated() throws TorControlException {
        TorControlClient client = connect();
        client.authenticate();
        return client;
    }

    @Test
    @Order(1)
    void protocolInfoNamesCookieMethodsTheCookieFileAndTheVersion() throws Exception {
        try (TorControlClient client = connect()) {
            ProtocolInfo info = client.protocolInfo();
            assertEquals(1, info.protocolInfoVersion());
            assertEquals(Set.of(AuthMethod.COOKIE, AuthMethod.SAFECOOKIE), info.authMethods());
            assertEquals(tor.dataDirectory().resolve("control_auth_cookie").toRealPath(), info.cookieFile().orElseThrow().toRealPath());
            assertTrue(info.torVersion().matches("\\d+\\.\\d+\\.\\d+.*"), info.torVersion());
        }
    }

    @Test
    @Order(2)
    void commandsBeforeAuthenticationAreRefused() throws Exception {
        try (TorControlClient client = connect()) {
            TorControlException e = assertThrows(TorControlException.class, () -> client.getInfo("version"));
            assertEquals(514, e.code(), e.getMessage());
        }
    }

    @Test
    @Order(3)
    void safeCookieIsPreferred() throws Exception {
        try (TorControlClient client = connect()) {
            assertEquals(AuthMethod.SAFECOOKIE, client.authenticate());
            assertFalse(client.getInfo("version").isEmpty());
        }
    }

    @Test
    @Order(4)
    void cookieAuthentication() throws Exception {
        try (TorControlClient client = connect()) {
            ProtocolInfo info = client.protocolInfo();
            client.authenticateCookie(TorControlClient.readCookie(info.cookieFile().orElseThrow()));
            assertFalse(client.getInfo("version").isEmpty());
        }
    }

    @Test
    @Order(5)
    void aWrongCookieIsRefusedAndTorHangsUp() throws Exception {
        try (TorControlClient client = connect()) {
            client.protocolInfo();
            TorControlException e = assertThrows(TorControlException.class, () -> client.authenticateCookie(Randoms.bytes(32)));
            assertEquals(515, e.code(), e.getMessage());
            client.closed().get(10, TimeUnit.SECONDS);
            assertInstanceOf(ControlConnectionClosedException.class, assertThrows(TorControlException.class,
                    () -> client.getInfo("version")));
        }
    }

    @Test
    @Order(6)
    void safeCookieWithAWrongCookieFailsOnTorsServerHashBeforeWeAuthenticate() throws Exception {
        try (TorControlClient client = connect()) {
            TorControlException e = assertThrows(TorControlException.class, () -> client.authenticateSafeCookie(Randoms.bytes(32)));
            assertEquals(TorControlException.NO_REPLY, e.code());
            assertTrue(e.getMessage().contains("does not match"), e.getMessage());
            assertFalse(client.isOpen());
        }
    }

    @Test
    @Order(7)
    void hashedPasswordAuthenticationAndNullWhenNothingIsConfigured() throws Exception {
        TorControlClient owner = tor.control();
        owner.setConf("HashedControlPassword", TorPasswordHash.of("correct horse", Randoms.bytes(8)));
        try {
            try (TorControlClient client = connect()) {
                ProtocolInfo info = client.protocolInfo();
                assertEquals(Set.of(AuthMethod.COOKIE, AuthMethod.SAFECOOKIE, AuthMethod.HASHEDPASSWORD), info.authMethods());
                client.authenticatePassword("correct horse");
                assertFalse(client.getInfo("version").isEmpty());
            }
            try (TorControlClient client = connect()) {
                client.protocolInfo();
                assertEquals(515, assertThrows(TorControlException.class, () -> client.authenticatePassword("wrong horse")).code());
            }
            try (TorControlClient client = connect()) {
                assertEquals(AuthMethod.SAFECOOKIE, client.authenticate("correct horse"), "cookies are preferred");
            }
            owner.setConf("CookieAuthentication", "0");
            try (TorControlClient client = connect()) {
                TorControlException e = assertThrows(TorControlException.class, client::authenticate);
                assertTrue(e.getMessage().contains("no password"), e.getMessage());
            }
            owner.resetConf("HashedControlPassword");
            try (TorControlClient client = connect()) {
                assertEquals(AuthMethod.NULL, client.authenticate());
                assertFalse(client.getInfo("version").isEmpty());
            }
        } finally {
            owner.setConf("CookieAuthentication", "1");
            owner.resetConf("HashedControlPassword");
        }
    }

    @Test
    @Order(10)
    void getInfoSingleMultipleAndDataReplies() throws Exception {
        try (TorControlClient client = authenticated()) {
            String version = client.getInfo("version");
            assertTrue(version.matches("\\d+\\.\\d+\\.\\d+.*"), version);
            Map<String, String> values = client.getInfo(List.of("config-file", "status/bootstrap-phase", "config-text"));
            assertEquals(List.of("config-file", "status/bootstrap-phase", "config-text"), List.copyOf(values.keySet()));
            assertEquals(tor.dataDirectory().resolve("torrc").toString(), values.get("config-file"));
            assertTrue(values.get("status/bootstrap-phase").contains("BOOTSTRAP"), values.get("status/bootstrap-phase"));
            assertTrue(values.get("config-text").lines().anyMatch("DisableNetwork 1"::equals), values.get("config-text"));

            BootstrapStatus bootstrap = client.bootstrapStatus();
            assertTrue(bootstrap.progress() >= 0 && bootstrap.progress() <= 100, bootstrap.toString());
            assertFalse(bootstrap.tag().isEmpty());

            TorControlException unknown = assertThrows(TorControlException.class, () -> client.getInfo("no/such/key"));
            assertEquals(552, unknown.code());
        }
    }

    @Test
    @Order(11)
    void setConfGetConfRoundTripWithQuotingAndReset() throws Exception {
        try (TorControlClient client = authenticated()) {
            // tor answers the first raw, the others as QuotedStrings (non-ASCII, a leading quote, '#').
            for (String value : List.of("veilswarm test <a@b> \"quoted\" back\\slash", "é ü", "\"leading", "x # y\tz")) {
                client.setConf("ContactInfo", value);
                assertEquals(List.of(value), client.getConf("ContactInfo"));
            }
            String contact = "veilswarm test <a@b> \"quoted\" back\\slash é";
            client.setConf("ContactInfo", contact);
            assertEquals(List.of(contact), client.getConf("ContactInfo"));

            Map<String, List<String>> two = new LinkedHashMap<>();
            two.put("ContactInfo", List.of("other"));
            two.put("NoSuchOption", List.of("1"));
            TorControlException e = assertThrows(TorControlException.class, () -> client.setConf(two));
            assertEquals(552, e.code(), e.getMessage());
            assertEquals(List.of(contact), client.getConf("ContactInfo"), "SETCONF is all or nothing");

            client.resetConf("ContactInfo");
            assertEquals(List.of(), client.getConf("ContactInfo"));
            Map<String, List<String>> several = client.getConf(List.of("DisableNetwork", "SocksPort"));
            assertEquals(List.of("1"), several.get("DisableNetwork"));
            assertEquals(List.of("0"), several.get("SocksPort"));
        }
    }

    @Test
    @Order(12)
    void bandwidthEventsArriveOncePerSecond() throws Exception {
        try (TorControlClient client = authenticated()) {
            BlockingQueue<TorEvent> events = new LinkedBlockingQueue<>();
            client.addEventListener(events::add);
            client.setEvents(List.of("BW", "NOTICE", "WARN", "STATUS_CLIENT", "CIRC", "CIRC_BW"));
            BandwidthEvent first = assertInstanceOf(BandwidthEvent.class, nextOfType(events, "BW"));
            BandwidthEvent second = assertInstanceOf(BandwidthEvent.class, nextOfType(events, "BW"));
            // DisableNetwork: nothing moves but the control connection, which BW does not count.
            assertTrue(first.bytesRead() >= 0 && second.bytesWritten() >= 0);
            client.setEvents(List.of());
            // Commands still match their replies while events flow.
            assertFalse(client.getInfo("version").isEmpty());
        }
    }

    private static TorEvent nextOfType(BlockingQueue<TorEvent> events, String type) throws InterruptedException {
        while (true) {
            TorEvent event = events.poll(15, TimeUnit.SECONDS);
            assertNotNull(event, "no " + type + " event within 15 s");
            if (event.type().equals(type)) {
                return event;
            }
        }
    }

    @Test
    @Order(20)
    void addOnionWithOurOwnKeyHasOurOnionAddress() throws Exception {
        Ed25519KeyPair keys = Ed25519.generateKeyPair();
        String expectedLabel = OnionAddress.fromPublicKey(keys.publicKey()).label();
        try (TorControlClient client = authenticated()) {
            AddOnionRequest request = AddOnionRequest.withExpandedKey(Ed25519.expandSecretKey(keys.seed())).port(80, 18080);
            AddOnionResult result = client.addOnion(request);
            assertEquals(expectedLabel, result.serviceId());
            assertTrue(result.expandedSecretKey().isEmpty(), "tor returns no key it did not generate");
            assertTrue(client.getInfo("onions/current").lines().anyMatch(expectedLabel::equals));

            client.delOnion(result.serviceId());
            assertFalse(client.getInfo("onions/current").lines().anyMatch(expectedLabel::equals));
            assertEquals(552, assertThrows(TorControlException.class, () -> client.delOnion(result.serviceId())).code());
        }
    }

    @Test
    @Order(21)
    void addOnionNewKeyReturnsAKeyWhosePublicHalfIsTheAddressAndDetachOutlivesTheConnection() throws Exception {
        AddOnionResult result;
        try (TorControlClient client = authenticated()) {
            result = client.addOnion(AddOnionRequest.newKey().port(80, 18081).port(443, 18082).detach());
        }
        byte[] key = result.expandedSecretKey().orElseThrow();
        assertEquals(64, key.length);
        assertEquals(result.serviceId(), OnionAddress.fromPublicKey(Ed25519.publicKeyFromExpandedSecretKey(key)).label());
        assertArrayEquals(result.address().publicKey(), Ed25519.publicKeyFromExpandedSecretKey(key));
        try (TorControlClient client = authenticated()) {
            assertTrue(client.getInfo("onions/detached").lines().anyMatch(result.serviceId()::equals),
                    "a detached service survives its control connection");
            client.delOnion(result.serviceId());
            assertFalse(client.getInfo("onions/detached").lines().anyMatch(result.serviceId()::equals));
            AddOnionResult discarded = client.addOnion(AddOnionRequest.newKey().port(80, 18083).discardPrivateKey());
            assertTrue(discarded.expandedSecretKey().isEmpty());
        }
    }

    @Test
    @Order(22)
    void signalNewnymIsAccepted() throws Exception {
        try (TorControlClient client = authenticated()) {
            client.signal(Signal.NEWNYM);
        }
    }

    @Test
    @Order(99)
    void signalShutdownStopsTorAndFailsLaterCommands() throws Exception {
        TorControlClient owner = tor.control();
        owner.signal(Signal.SHUTDOWN);
        assertTrue(tor.process().waitFor(30, TimeUnit.SECONDS), "tor still running 30 s after SIGNAL SHUTDOWN");
        owner.closed().get(10, TimeUnit.SECONDS);
        assertInstanceOf(ControlConnectionClosedException.class, assertThrows(TorControlException.class,
                () -> owner.getInfo("version")));
        assertFalse(Files.exists(tor.dataDirectory().resolve("control-port")) && tor.isAlive());
    }
}
