package org.veilswarm.transport.onion.hs.rend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.veilswarm.crypto.Ed25519;
import org.veilswarm.crypto.Randoms;
import org.veilswarm.crypto.X25519;
import org.veilswarm.crypto.X25519KeyPair;
import org.veilswarm.transport.onion.circuit.RelayTarget;

/**
 * The service's decision on an INTRODUCE2 (rend-spec-v3 §3.3, §3.2.2) with cells a real client makes: what
 * is accepted, and the reason for everything that is not.
 */
class IntroductionCheckTest {
    private final byte[] authKey = Ed25519.generateKeyPair().publicKey();
    private final X25519KeyPair encKey = X25519.generateKeyPair();
    private final byte[] subcredential = Randoms.bytes(32);
    private final RelayTarget rendezvousPoint = new RelayTarget(Randoms.bytes(32), Randoms.bytes(32),
            new InetSocketAddress("127.0.0.1", 9001));

    private HsNtor.Client client(byte[] subcredential) {
        return HsNtor.Client.start(authKey, encKey.publicKey(), subcredential);
    }

    private byte[] introduce2(HsNtor.Client client, byte[] plaintext) throws Exception {
        return Introduce1.seal(authKey, client, plaintext).encode();
    }

    private byte[] wellFormedPlaintext() {
        return IntroducePlaintext.to(Randoms.bytes(20), rendezvousPoint).withCongestionControlRequest()
                .encode(IntroducePlaintext.PADDED_INTRODUCE1_LEN - Introduce1.header(authKey, List.of()).length - 64);
    }

    private IntroductionCheck.Outcome check(ReplayCache replays, byte[] body) {
        return IntroductionCheck.check(authKey, encKey, subcredential, replays, body, X25519.generateKeyPair());
    }

    private static IntroductionCheck.Reason reason(IntroductionCheck.Outcome outcome) {
        return assertInstanceOf(IntroductionCheck.Refused.class, outcome).reason();
    }

    @Test
    void aGenuineIntroductionIsAcceptedAndBothEndsDeriveTheSameCircuitKeys() throws Exception {
        HsNtor.Client client = client(subcredential);
        byte[] plaintext = wellFormedPlaintext();
        IntroductionCheck.Outcome outcome = check(new ReplayCache(16), introduce2(client, plaintext));

        IntroductionCheck.Accepted accepted = assertInstanceOf(IntroductionCheck.Accepted.class, outcome);
        assertArrayEquals(plaintext, accepted.result().plaintext());
        assertTrue(accepted.plaintext().requestsCongestionControl());
        assertArrayEquals(rendezvousPoint.identity(), accepted.rendezvousPoint().identity());
        HsCircuitKeys clientKeys = client.finish(accepted.result().handshakeInfo());
        assertArrayEquals(accepted.result().keys().material(), clientKeys.material());
    }

    @Test
    void everyByteOfAGenuineIntroductionIsCoveredChangingAnyOneIsRefused() throws Exception {
        byte[] genuine = introduce2(client(subcredential), wellFormedPlaintext());
        List<IntroductionCheck.Reason> reasons = new ArrayList<>();
        for (int at = 0; at < genuine.length; at++) {
            byte[] changed = genuine.clone();
            changed[at] ^= 0x01;
            reasons.add(reason(check(new ReplayCache(16), changed)));
        }
        // The legacy key id, key type and key length fail the outer parse; the auth key names another intro point;
        // the extension count fails the parse or the MAC; every other byte (CLIENT_PK, ciphertext, MAC) the MAC.
        assertEquals(EnumSet.of(IntroductionCheck.Reason.MALFORMED), EnumSet.copyOf(reasons.subList(0, 20 + 3)));
        assertEquals(EnumSet.of(IntroductionCheck.Reason.WRONG_AUTH_KEY), EnumSet.copyOf(reasons.subList(20 + 3, 20 + 3 + 32)));
        assertTrue(EnumSet.of(IntroductionCheck.Reason.MALFORMED, IntroductionCheck.Reason.NOT_AUTHENTIC)
                .contains(reasons.get(20 + 3 + 32)), "extension count changed: " + reasons.get(20 + 3 + 32));
        assertEquals(EnumSet.of(IntroductionCheck.Reason.NOT_AUTHENTIC),
                EnumSet.copyOf(reasons.subList(20 + 3 + 32 + 1, genuine.length)));
    }

    @Test
    void theSameIntroductionTwiceIsAReplayAndAFullCacheRefusesFreshOnes() throws Exception {
        ReplayCache replays = new ReplayCache(2);
        byte[] first = introduce2(client(subcredential), wellFormedPlaintext());
        assertInstanceOf(IntroductionCheck.Accepted.class, check(replays, first));
        assertEquals(IntroductionCheck.Reason.REPLAY, reason(check(replays, first)));

        assertInstanceOf(IntroductionCheck.Accepted.class, check(replays, introduce2(client(subcredential), wellFormedPlaintext())));
        assertEquals(IntroductionCheck.Reason.REPLAY_CACHE_FULL, reason(check(replays, introduce2(client(subcredential), wellFormedPlaintext()))));
        assertEquals(IntroductionCheck.Reason.REPLAY, reason(check(replays, first)));
    }

    @Test
    void unauthenticCellsDoNotTakeASlotInTheReplayCache() throws Exception {
        ReplayCache replays = new ReplayCache(1);
        byte[] otherPeriod = introduce2(client(Randoms.bytes(32)), wellFormedPlaintext());
        assertEquals(IntroductionCheck.Reason.NOT_AUTHENTIC, reason(check(replays, otherPeriod)));
        assertEquals(IntroductionCheck.Reason.NOT_AUTHENTIC, reason(check(replays, otherPeriod)));
        assertEquals(0, replays.size());
        assertInstanceOf(IntroductionCheck.Accepted.class, check(replays, introduce2(client(subcredential), wellFormedPlaintext())));
    }

    @Test
    void aSmallOrderClientKeyIsRefusedAsNotAuthentic() {
        byte[] header = Introduce1.header(authKey, List.of());
        byte[] body = HsNtor.concat(header, new byte[32], Randoms.bytes(100), Randoms.bytes(32));
        assertEquals(IntroductionCheck.Reason.NOT_AUTHENTIC, reason(check(new ReplayCache(16), body)));
    }

    @Test
    void anIntroductionForAnotherIntroPointIsRefusedBeforeAnyKeyAgreement() throws Exception {
        byte[] otherAuthKey = Ed25519.generateKeyPair().publicKey();
        byte[] body = Introduce1.seal(otherAuthKey, HsNtor.Client.start(otherAuthKey, encKey.publicKey(), subcredential),
                wellFormedPlaintext()).encode();
        assertEquals(IntroductionCheck.Reason.WRONG_AUTH_KEY, reason(check(new ReplayCache(16), body)));
    }

    @Test
    void anAuthenticCellWithAMalformedPlaintextIsRefusedButRemembered() throws Exception {
        ReplayCache replays = new ReplayCache(16);
        byte[] plaintext = wellFormedPlaintext();
        plaintext[20 + 1 + 2] = 7; // ONION_KEY_TYPE after the cookie and the one-extension block's 3 bytes: not ntor
        byte[] body = introduce2(client(subcredential), plaintext);
        IntroductionCheck.Outcome outcome = check(replays, body);
        assertEquals(IntroductionCheck.Reason.MALFORMED_PLAINTEXT, reason(outcome));
        assertTrue(((IntroductionCheck.Refused) outcome).detail().contains("ONION_KEY_TYPE 7"), outcome.toString());
        assertEquals(IntroductionCheck.Reason.REPLAY, reason(check(replays, body)));
    }

    @Test
    void garbageIsMalformed() {
        assertEquals(IntroductionCheck.Reason.MALFORMED, reason(check(new ReplayCache(16), new byte[0])));
        assertEquals(IntroductionCheck.Reason.MALFORMED, reason(check(new ReplayCache(16), Randoms.bytes(200))));
    }
}
