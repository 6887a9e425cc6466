package org.veilswarm.transport.onion.hs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.veilswarm.crypto.Ed25519;
import org.veilswarm.crypto.Ed25519KeyPair;
import org.veilswarm.crypto.X25519;
import org.veilswarm.crypto.X25519KeyPair;
import org.veilswarm.transport.onion.cert.Ed25519Cert;
import org.veilswarm.transport.onion.hs.DescriptorException.Reason;

/** Descriptors built by a service and opened by a client (rend-spec-v3 §2.4, §2.5), and every refusal reason. */
class HsDescriptorTest {
    private static final Instant NOW = Instant.parse("2026-11-22T04:00:00Z");
    private static final TimePeriod PERIOD = TimePeriod.containing(NOW);

    private final TestServices service = TestServices.create();

    @Test
    void serviceBuildsClientOpensAndEveryLayerReencodesToTheSameBytes() throws Exception {
        HsDescriptorBuilder.IntroPointSpec a = TestServices.introPoint();
        HsDescriptorBuilder.IntroPointSpec b = TestServices.introPoint();
        HsDescriptor built = service.builder(PERIOD).revisionCounter(42).introPoint(a).introPoint(b)
                .introAuthRequired(true).build(NOW);

        byte[] bytes = built.encoded();
        assertTrue(new String(bytes, StandardCharsets.US_ASCII).startsWith("hs-descriptor 3\ndescriptor-lifetime 180\n"));
        HsDescriptor parsed = HsDescriptor.parse(bytes);
        assertArrayEquals(bytes, parsed.encoded());
        assertEquals(42, parsed.revisionCounter());
        assertArrayEquals(HsKeys.blindedPublicKey(service.identity.publicKey(), PERIOD), parsed.verify(NOW));

        DecryptedDescriptor opened = HsDescriptorReader.open(bytes, service.address, PERIOD, NOW);
        assertFalse(opened.clientAuthorized());
        assertEquals(16, opened.firstLayer().authClients().size(), "fake auth-client lines hide that auth is off");
        SecondLayer second = opened.secondLayer();
        assertEquals(List.of(2), second.create2Formats());
        assertEquals(List.of("ed25519"), second.introAuthRequired());
        assertFalse(second.singleOnionService());
        assertEquals(2, second.introPoints().size());
        IntroPoint first = second.introPoints().get(0);
        assertArrayEquals(a.linkSpecifiers(), first.linkSpecifiers());
        assertArrayEquals(a.onionKey(), first.onionKey());
        assertArrayEquals(a.authKey(), first.authKey());
        assertArrayEquals(a.encKey(), first.encKey());
        assertEquals(3, first.linkSpecifierList().size());

        // Decode → encode of the inner layers (their plaintexts come back from decryption).
        byte[] blinded = parsed.blindedKey();
        byte[] subcred = HsKeys.subcredential(service.identity.publicKey(), blinded);
        byte[] firstPadded = DescriptorCipher.decrypt(blinded, subcred, 42, DescriptorCipher.SUPERENCRYPTED_CONSTANT,
                parsed.superencrypted());
        assertEquals(0, firstPadded.length % FirstLayer.PADDING_MULTIPLE);
        assertArrayEquals(firstPadded, FirstLayer.parse(firstPadded).encodePadded());
        byte[] secondPlain = DescriptorCipher.decrypt(blinded, subcred, 42, DescriptorCipher.ENCRYPTED_CONSTANT,
                opened.firstLayer().encrypted());
        assertArrayEquals(secondPlain, SecondLayer.parse(secondPlain).encode());
    }

    @Test
    void firstLayerWithAFinalNewlineIsAcceptedAndKept() throws Exception {
        FirstLayer layer = new FirstLayer(X25519.generateKeyPair().publicKey(),
                List.of(new AuthClient(new byte[8], new byte[16], new byte[16])), new byte[40], true);
        byte[] text = layer.encode();
        assertEquals('\n', text[text.length - 1]);
        assertArrayEquals(text, FirstLayer.parse(text).encode());
    }

    @Test
    void zeroIntroPointsIsAValidDescriptor() throws Exception {
        byte[] bytes = service.builder(PERIOD).build(NOW).encoded();
        assertEquals(0, HsDescriptorReader.open(bytes, service.address, PERIOD, NOW).secondLayer().introPoints().size());
    }

    @Test
    void clientAuthorizationOpensOnlyForAuthorizedClients() throws Exception {
        X25519KeyPair alice = X25519.generateKeyPair();
        X25519KeyPair bob = X25519.generateKeyPair();
        X25519KeyPair mallory = X25519.generateKeyPair();
        byte[] bytes = service.builder(PERIOD).introPoint(TestServices.introPoint())
                .authorizedClient(alice.publicKey()).authorizedClient(bob.publicKey()).build(NOW).encoded();

        DecryptedDescriptor forAlice = HsDescriptorReader.open(bytes, service.address, PERIOD, NOW, alice.privateKey());
        assertTrue(forAlice.clientAuthorized());
        assertEquals(1, forAlice.secondLayer().introPoints().size());
        assertEquals(16, forAlice.firstLayer().authClients().size(), "2 real lines padded to 16");
        assertTrue(HsDescriptorReader.open(bytes, service.address, PERIOD, NOW, bob.privateKey()).clientAuthorized());

        assertEquals(Reason.NOT_AUTHORIZED, assertThrows(DescriptorException.class,
                () -> HsDescriptorReader.open(bytes, service.address, PERIOD, NOW)).reason());
        assertEquals(Reason.NOT_AUTHORIZED, assertThrows(DescriptorException.class,
                () -> HsDescriptorReader.open(bytes, service.address, PERIOD, NOW, mallory.privateKey())).reason());
    }

    @Test
    void seventeenClientsArePaddedToThirtyTwoLines() throws Exception {
        HsDescriptorBuilder builder = service.builder(PERIOD);
        for (int i = 0; i < 17; i++) {
            builder.authorizedClient(X25519.generateKeyPair().publicKey());
        }
        X25519KeyPair last = X25519.generateKeyPair();
        builder.authorizedClient(last.publicKey());
        DecryptedDescriptor opened = HsDescriptorReader.open(builder.build(NOW).encoded(), service.address, PERIOD, NOW,
                last.privateKey());
        assertEquals(32, opened.firstLayer().authClients().size());
    }

    @Test
    void twentyIntroPointsFitAndTooManyClientsOnTopAreRefusedByTheBuilder() throws Exception {
        HsDescriptorBuilder builder = service.builder(PERIOD);
        for (int i = 0; i < SecondLayer.MAX_INTRO_POINTS; i++) {
            builder.introPoint(TestServices.introPoint());
        }
        HsDescriptor full = builder.build(NOW);
        assertTrue(full.size() <= HsDescriptor.MAX_SIZE, full.size() + " bytes");
        assertEquals(20, HsDescriptorReader.open(full.encoded(), service.address, PERIOD, NOW).secondLayer()
                .introPoints().size());
        for (int i = 0; i < 160; i++) {
            builder.authorizedClient(X25519.generateKeyPair().publicKey());
        }
        IllegalStateException tooBig = assertThrows(IllegalStateException.class, () -> builder.build(NOW));
        assertTrue(tooBig.getMessage().contains("exceeds"), tooBig.getMessage());
    }

    @Test
    void aClientWithAKeyStillOpensADescriptorWithoutAuthorization() throws Exception {
        byte[] bytes = service.builder(PERIOD).build(NOW).encoded();
        assertFalse(HsDescriptorReader.open(bytes, service.address, PERIOD, NOW,
                X25519.generateKeyPair().privateKey()).clientAuthorized());
    }

    @Test
    void wrongAddressOrPeriodIsTheWrongBlindedKey() throws Exception {
        byte[] bytes = service.builder(PERIOD).build(NOW).encoded();
        assertEquals(Reason.WRONG_BLINDED_KEY, assertThrows(DescriptorException.class,
                () -> HsDescriptorReader.open(bytes, TestServices.create().address, PERIOD, NOW)).reason());
        assertEquals(Reason.WRONG_BLINDED_KEY, assertThrows(DescriptorException.class,
                () -> HsDescriptorReader.open(bytes, service.address, PERIOD.next(), NOW)).reason());
    }

    @Test
    void alteredSignedTextFailsTheSignature() throws Exception {
        String text = new String(service.builder(PERIOD).revisionCounter(7).build(NOW).encoded(), StandardCharsets.US_ASCII);
        byte[] altered = text.replace("revision-counter 7\n", "revision-counter 8\n").getBytes(StandardCharsets.US_ASCII);
        assertEquals(Reason.BAD_SIGNATURE, assertThrows(DescriptorException.class,
                () -> HsDescriptorReader.open(altered, service.address, PERIOD, NOW)).reason());
        assertEquals(Reason.BAD_SIGNATURE, assertThrows(DescriptorException.class,
                () -> HsDescriptor.parse(altered).verify(NOW)).reason());
    }

    @Test
    void certificateNotSignedByTheBlindedKeyIsRefused() throws Exception {
        HsDescriptor good = service.builder(PERIOD).build(NOW);
        Ed25519KeyPair signer = Ed25519.generateKeyPair();
        Ed25519KeyPair impostor = Ed25519.generateKeyPair();
        byte[] blinded = good.blindedKey();
        // Names the right blinded key but is signed by another key.
        Ed25519Cert forged = Ed25519Cert.sign(Ed25519Cert.HS_BLINDED_ID_V_SIGNING, Ed25519Cert.KEY_ED25519,
                signer.publicKey(), NOW.plus(Duration.ofHours(3)), blinded, impostor::sign, true);
        HsDescriptor bad = HsDescriptor.sign(180, forged, 1, good.superencrypted(), signer::sign);
        DescriptorException e = assertThrows(DescriptorException.class,
                () -> HsDescriptorReader.open(bad.encoded(), service.address, PERIOD, NOW));
        assertEquals(Reason.BAD_CERTIFICATE, e.reason(), e.getMessage());
    }

    @Test
    void certificateOfTheWrongTypeIsRefused() throws Exception {
        HsDescriptor good = service.builder(PERIOD).build(NOW);
        Ed25519KeyPair signer = Ed25519.generateKeyPair();
        Ed25519Cert wrongType = Ed25519Cert.sign(Ed25519Cert.HS_SIGNING_V_INTRO_AUTH, Ed25519Cert.KEY_ED25519,
                signer.publicKey(), NOW.plus(Duration.ofHours(3)), signer, true);
        byte[] bytes = HsDescriptor.sign(180, wrongType, 1, good.superencrypted(), signer::sign).encoded();
        assertEquals(Reason.BAD_CERTIFICATE, assertThrows(DescriptorException.class,
                () -> HsDescriptor.parse(bytes)).reason());
    }

    @Test
    void expiredCertificateIsRefused() throws Exception {
        byte[] bytes = service.builder(PERIOD).certExpiration(NOW.minus(Duration.ofHours(2))).build(NOW).encoded();
        assertEquals(Reason.EXPIRED_CERTIFICATE, assertThrows(DescriptorException.class,
                () -> HsDescriptorReader.open(bytes, service.address, PERIOD, NOW)).reason());
    }

    @Test
    void tamperedLayerSignedAgainFailsTheMac() throws Exception {
        Ed25519KeyPair signer = Ed25519.generateKeyPair();
        HsDescriptor good = service.builder(PERIOD).signingKey(signer).revisionCounter(3).build(NOW);
        byte[] blob = good.superencrypted();
        blob[100] ^= 1;
        byte[] bytes = HsDescriptor.sign(180, good.signingKeyCert(), 3, blob, signer::sign).encoded();
        assertEquals(Reason.BAD_MAC, assertThrows(DescriptorException.class,
                () -> HsDescriptorReader.open(bytes, service.address, PERIOD, NOW)).reason());
    }

    @Test
    void oversizeDescriptorIsRefusedBeforeParsing() {
        byte[] big = new byte[HsDescriptor.MAX_SIZE + 1];
        assertEquals(Reason.TOO_LARGE, assertThrows(DescriptorException.class, () -> HsDescriptor.parse(big)).reason());
    }

    @Test
    void malformedDocumentsNameTheirProblem() throws Exception {
        String good = new String(service.builder(PERIOD).revisionCounter(0).build(NOW).encoded(),
                StandardCharsets.US_ASCII);
        List<String> bad = List.of(
                good.replace("hs-descriptor 3\n", "hs-descriptor 2\n"),
                good.replace("descriptor-lifetime 180\n", "descriptor-lifetime 29\n"),
                good.replace("descriptor-lifetime 180\n", "descriptor-lifetime  180\n"),
                good.replace("descriptor-lifetime 180\n", ""),
                good.replace("revision-counter 0\n", "revision-counter 00\n"),
                good.replace("revision-counter 0\n", "revision-counter 18446744073709551616\n"),
                good.replace("\n", "\r\n"),
                good.replace("superencrypted\n", "superencrypted\nextra-line\n"),
                good.replace("superencrypted\n", "superencrypted x\n"),
                good.substring(0, good.length() - 1),
                good + "signature AAAA\n",
                good.replace("-----END MESSAGE-----", "-----END MESSAGES-----"),
                good.replace("revision-counter 0\n", "revision-counter 0\nunknown-keyword\n"));
        for (String text : bad) {
            DescriptorException e = assertThrows(DescriptorException.class,
                    () -> HsDescriptor.parse(text.getBytes(StandardCharsets.US_ASCII)), text.substring(0, 60));
            assertEquals(Reason.MALFORMED, e.reason(), e.getMessage());
        }
    }

    @Test
    void largeRevisionCountersUseAllSixtyFourBits() throws Exception {
        long revision = -2; // 2^64 - 2 unsigned
        HsDescriptor built = service.builder(PERIOD).revisionCounter(revision).build(NOW);
        assertTrue(new String(built.encoded(), StandardCharsets.US_ASCII).contains("revision-counter 18446744073709551614\n"));
        assertEquals(revision, HsDescriptorReader.open(built.encoded(), service.address, PERIOD, NOW).outer().revisionCounter());
    }

    @Test
    void secondLayerKeepsUnknownItemsInPlaceAndRefusesIncompleteIntroPoints() throws Exception {
        HsDescriptor built = service.builder(PERIOD).introPoint(TestServices.introPoint()).introAuthRequired(true)
                .build(NOW);
        DecryptedDescriptor opened = HsDescriptorReader.open(built.encoded(), service.address, PERIOD, NOW);
        String plain = new String(opened.secondLayer().encode(), StandardCharsets.US_ASCII);

        // §2.5.2.2: "clients should ignore unrecognized lines" -- kept, so re-encoding is exact.
        String withUnknown = plain.replace("introduction-point", "flow-control 1-2 31\nintroduction-point")
                + "onion-key x448 AAAA\nsomething-new\n";
        SecondLayer tolerant = SecondLayer.parse(withUnknown.getBytes(StandardCharsets.US_ASCII));
        assertEquals(List.of("flow-control 1-2 31\n"), tolerant.otherItems());
        assertEquals(List.of("onion-key x448 AAAA\n", "something-new\n"), tolerant.introPoints().get(0).otherItems());
        assertArrayEquals(withUnknown.getBytes(StandardCharsets.US_ASCII), tolerant.encode());

        String enc = plain.substring(plain.indexOf("enc-key ntor"), plain.indexOf("enc-key-cert"));
        for (String text : List.of(
                plain.replaceFirst("enc-key ntor", "enc-key x448"),
                plain.substring(0, plain.indexOf("enc-key ntor")),
                plain.replace("enc-key-cert", enc + "enc-key-cert"),
                "create2-formats 1\n",
                "intro-auth-required ed25519\n" + plain,
                plain.replace("intro-auth-required ed25519\n", "flow-control 1\nintro-auth-required ed25519\n"),
                plain.replace("intro-auth-required ed25519\n", "intro-auth-required ed25519\nintro-auth-required ed25519\n"),
                plain.replaceFirst("onion-key ntor ([^\n]*)=\n", "onion-key ntor $1\n"))) {
            DescriptorException e = assertThrows(DescriptorException.class,
                    () -> SecondLayer.parse(text.getBytes(StandardCharsets.US_ASCII)), text);
            assertEquals(Reason.MALFORMED, e.reason(), e.getMessage());
        }
    }

    @Test
    void theFlowControlLineOffersCongestionControlAndAMalformedOneRefusesTheLayer() throws Exception {
        HsDescriptor offering = service.builder(PERIOD).introPoint(TestServices.introPoint()).flowControl(31).build(NOW);
        SecondLayer layer = HsDescriptorReader.open(offering.encoded(), service.address, PERIOD, NOW).secondLayer();
        assertEquals(java.util.Optional.of(new SecondLayer.FlowControlLine(1, 2, 31)), layer.flowControl());
        String plain = new String(layer.encode(), StandardCharsets.US_ASCII);
        assertTrue(plain.startsWith("create2-formats 2\nflow-control 1-2 31\nintroduction-point "), plain);

        HsDescriptor silent = service.builder(PERIOD).introPoint(TestServices.introPoint()).build(NOW);
        assertEquals(java.util.Optional.empty(),
                HsDescriptorReader.open(silent.encoded(), service.address, PERIOD, NOW).secondLayer().flowControl());

        // Proposal 324 §9.1: further versions and values on the line are ignored.
        SecondLayer.FlowControlLine wider = SecondLayer.parse(plain.replace("flow-control 1-2 31",
                "flow-control 2,4-5 40 future-value").getBytes(StandardCharsets.US_ASCII)).flowControl().orElseThrow();
        assertEquals(new SecondLayer.FlowControlLine(2, 5, 40), wider);
        assertTrue(wider.supports(2));
        assertFalse(new SecondLayer.FlowControlLine(1, 1, 31).supports(2));

        for (String line : List.of("flow-control 1-2", "flow-control x 31", "flow-control 1-2 0", "flow-control 2-1 31",
                "flow-control 1-2 256", "flow-control 1-2 31\nflow-control 1-2 31",
                // found by DescriptorFuzzTest.parseSecondLayer: no versions at all escaped as IllegalArgumentException
                "flow-control , 31", "flow-control 1,,2 31", "flow-control 1- 31", "flow-control +2 31",
                "flow-control 2 +31", "flow-control 02 31", "flow-control \u0662 31")) {
            String text = plain.replace("flow-control 1-2 31", line);
            DescriptorException e = assertThrows(DescriptorException.class,
                    () -> SecondLayer.parse(text.getBytes(StandardCharsets.US_ASCII)), line);
            assertEquals(Reason.MALFORMED, e.reason(), e.getMessage());
        }
    }
}
