package org.veilswarm.transport.onion.hs.rend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.veilswarm.crypto.Shake256;
import org.veilswarm.crypto.X25519;
import org.veilswarm.crypto.X25519KeyPair;
import org.veilswarm.transport.onion.crypto.HandshakeFailedException;

/**
 * hs-ntor (rend-spec-v3 §3.3.1) against known answers. The MAC vectors were generated with tor's
 * src/test/hs_ntor_ref.py and the handshake vector with C tor and chutney; both are published with
 * Arti's tor-proto (src/crypto/handshake/hs_ntor.rs tests "ntor_mac" and "testvec").
 */
class HsNtorTest {
    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replaceAll("\\s", "").toLowerCase());
    }

    @Test
    void macMatchesHsNtorRefVectors() {
        assertArrayEquals(hex("5e7da329630fdaa3eab7498bb1dc625bbb9ca968f10392b6af92d51d5db17473"),
                HsMac.mac("who".getBytes(StandardCharsets.US_ASCII), "knows?".getBytes(StandardCharsets.US_ASCII)));
        assertArrayEquals(hex("90071aabb06d3f7c777db41542f4790c7dd9e2e7b2b842f54c9c42bbdb37e9a0"),
                HsMac.mac("gone".getBytes(StandardCharsets.US_ASCII), "by".getBytes(StandardCharsets.US_ASCII)));
    }

    static final byte[] AUTH_KEY = hex("34E171E4358E501BFF21ED907E96AC6BFEF697C779D040BBAF49ACC30FC5D21F");
    static final byte[] SUBCREDENTIAL = hex("0085D26A9DEBA252263BF0231AEAC59B17CA11BAD8A218238AD6487CBAD68B57");
    static final byte[] KP_HSS_NTOR = hex("8E5127A40E83AABF6493E41F142B6EE3604B85A3961CD7E38D247239AFF71979");
    static final byte[] KS_HSS_NTOR = hex("A0ED5DBF94EEB2EDB3B514E4CF6ABFF6022051CC5F103391F1970A3FCD15296A");
    static final byte[] KEY_X = hex("60B4D6BF5234DCF87A4E9D7487BDF3F4A69B6729835E825CA29089CFDDA1E341");
    static final byte[] KEY_Y = hex("68CB5188CA0CD7924250404FAB54EE1392D3D2B9C049A2E446513875952F8F55");
    static final byte[] HEADER = hex("000000000000000000000000000000000000000002002034E171E4358E501BFF"
            + "21ED907E96AC6BFEF697C779D040BBAF49ACC30FC5D21F00");
    static final byte[] BODY = hex("""
            6BD364C12638DD5C3BE23D76ACA05B04E6CE932C0101000100200DE6130E4FCA
            C4EDDA24E21220CC3EADAE403EF6B7D11C8273AC71908DE565450300067F0000
            0113890214F823C4F8CC085C792E0AEE0283FE00AD7520B37D0320728D5DF39B
            7B7077A0118A900FF4456C382F0041300ACF9C58E51C392795EF870000000000
            0000000000000000000000000000000000000000000000000000000000000000
            000000000000000000000000000000000000000000000000000000000000""");
    static final byte[] CELL = hex("""
            000000000000000000000000000000000000000002002034E171E4358E501BFF
            21ED907E96AC6BFEF697C779D040BBAF49ACC30FC5D21F00BF04348B46D09AED
            726F1D66C618FDEA1DE58E8CB8B89738D7356A0C59111D5DADBECCCB38E37830
            4DCC179D3D9E437B452AF5702CED2CCFEC085BC02C4C175FA446525C1B9D5530
            563C362FDFFB802DAB8CD9EBC7A5EE17DA62E37DEEB0EB187FBB48C63298B0E8
            3F391B7566F42ADC97C46BA7588278273A44CE96BC68FFDAE31EF5F0913B9A9C
            7E0F173DBC0BDDCD4ACB4C4600980A7DDD9EAEC6E7F3FA3FC37CD95E5B8BFB3E
            35717012B78B4930569F895CB349A07538E42309C993223AEA77EF8AEA64F25D
            DEE97DA623F1AEC0A47F150002150455845C385E5606E41A9A199E7111D54EF2
            D1A51B7554D8B3692D85AC587FB9E69DF990EFB776D8""");
    static final byte[] REPLY = hex("8fbe0db4d4a9c7ff46701e3e0ee7fd05cd28be4f302460addeec9e93354ee700"
            + "4A92E8437B8424D5E5EC279245D5C72B25A0327ACF6DAF902079FCB643D8B208");
    static final byte[] NTOR_KEY_SEED = hex("4D0C72FE8AFF35559D95ECC18EB5A36883402B28CDFD48C8A530A5A3D7D578DB");

    @Test
    void handshakeMatchesCTorVector() throws Exception {
        assertArrayEquals(KP_HSS_NTOR, X25519.publicKey(KS_HSS_NTOR));
        HsNtor.Client client = HsNtor.Client.start(X25519KeyPair.fromPrivateKey(KEY_X), AUTH_KEY, KP_HSS_NTOR,
                SUBCREDENTIAL);
        byte[] encrypted = client.encrypt(HEADER, BODY);
        assertArrayEquals(CELL, HsNtor.concat(HEADER, encrypted), "INTRODUCE1 as C tor built it");

        Introduce1 cell = Introduce1.decode("INTRODUCE2", CELL);
        assertArrayEquals(HEADER, cell.header());
        HsNtor.ServiceResult served = HsNtor.serve(X25519KeyPair.fromPrivateKey(KS_HSS_NTOR), AUTH_KEY, SUBCREDENTIAL,
                cell.header(), cell.encrypted(), X25519KeyPair.fromPrivateKey(KEY_Y));
        assertArrayEquals(BODY, served.plaintext());
        assertArrayEquals(REPLY, served.handshakeInfo(), "RENDEZVOUS1 HANDSHAKE_INFO as C tor built it");

        HsCircuitKeys clientKeys = client.finish(served.handshakeInfo());
        byte[] expected = Shake256.hash(128, NTOR_KEY_SEED, HsNtor.M_HSEXPAND);
        assertArrayEquals(expected, clientKeys.material());
        assertArrayEquals(expected, served.keys().material());
        assertArrayEquals(java.util.Arrays.copyOfRange(expected, 64, 96), clientKeys.forwardKey());
        assertArrayEquals(java.util.Arrays.copyOfRange(expected, 32, 64), clientKeys.backwardDigestSeed());
    }

    @Test
    void vectorPlaintextParsesAsIntroducePlaintext() throws Exception {
        IntroducePlaintext plaintext = IntroducePlaintext.decode(BODY);
        assertArrayEquals(hex("6BD364C12638DD5C3BE23D76ACA05B04E6CE932C"), plaintext.rendezvousCookie());
        assertEquals(1, plaintext.extensions().size());
        assertEquals("/127.0.0.1:5001", plaintext.rendezvousPoint().address().toString());
    }

    @Test
    void wrongSubcredentialOrTamperingFailsTheMac() throws Exception {
        Introduce1 cell = Introduce1.decode("INTRODUCE2", CELL);
        byte[] otherSubcredential = SUBCREDENTIAL.clone();
        otherSubcredential[0] ^= 1;
        HandshakeFailedException wrongKey = assertThrows(HandshakeFailedException.class, () -> HsNtor.serve(
                X25519KeyPair.fromPrivateKey(KS_HSS_NTOR), AUTH_KEY, otherSubcredential, cell.header(), cell.encrypted(),
                X25519.generateKeyPair()));
        assertEquals(HandshakeFailedException.Reason.BAD_AUTH, wrongKey.reason());
        byte[] tampered = cell.encrypted();
        tampered[40] ^= 1;
        assertThrows(HandshakeFailedException.class, () -> HsNtor.serve(X25519KeyPair.fromPrivateKey(KS_HSS_NTOR),
                AUTH_KEY, SUBCREDENTIAL, cell.header(), tampered, X25519.generateKeyPair()));
    }

    @Test
    void clientRefusesABadAuth() throws Exception {
        HsNtor.Client client = HsNtor.Client.start(X25519KeyPair.fromPrivateKey(KEY_X), AUTH_KEY, KP_HSS_NTOR,
                SUBCREDENTIAL);
        byte[] reply = REPLY.clone();
        reply[63] ^= 1;
        assertEquals(HandshakeFailedException.Reason.BAD_AUTH,
                assertThrows(HandshakeFailedException.class, () -> client.finish(reply)).reason());
        assertEquals(HandshakeFailedException.Reason.MALFORMED,
                assertThrows(HandshakeFailedException.class, () -> client.finish(new byte[63])).reason());
    }
}
