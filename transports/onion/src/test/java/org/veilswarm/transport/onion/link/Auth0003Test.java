package org.veilswarm.transport.onion.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.veilswarm.crypto.Ed25519;
import org.veilswarm.crypto.Ed25519KeyPair;
import org.veilswarm.crypto.Randoms;

/** The AUTH0003 Authentication field (tor-spec §4.4.2): layout, each field checked, signature. */
class Auth0003Test {
    private final Ed25519KeyPair linkAuth = Ed25519.generateKeyPair();
    private final byte[] initiator = Randoms.bytes(32);
    private final byte[] responder = Randoms.bytes(32);
    private final byte[] slog = Randoms.bytes(32);
    private final byte[] clog = Randoms.bytes(32);
    private final byte[] scert = Randoms.bytes(32);
    private final byte[] prefix = Auth0003.expectedPrefix(initiator, responder, slog, clog, scert);

    @Test
    void signedAuthenticationHasTorsLayoutAndChecks() {
        byte[] authentication = Auth0003.sign(prefix, linkAuth);
        assertEquals(352, authentication.length);
        assertEquals("AUTH0003", new String(authentication, 0, 8, java.nio.charset.StandardCharsets.US_ASCII));
        assertTrue(Arrays.equals(initiator, 0, 32, authentication, 8 + 64, 8 + 96), "CID_ED after CID and SID");
        assertTrue(Arrays.equals(slog, 0, 32, authentication, 8 + 128, 8 + 160), "SLOG after SID_ED");
        assertNull(Auth0003.check(authentication, prefix, linkAuth.publicKey()));
    }

    @Test
    void everyCheckedFieldIsNamedWhenItDiffers() {
        String[] names = {"TYPE", "CID", "SID", "CID_ED", "SID_ED", "SLOG", "CLOG", "SCERT", "TLSSECRETS"};
        for (int field = 0; field < names.length; field++) {
            byte[] authentication = Auth0003.sign(prefix, linkAuth);
            authentication[field == 0 ? 3 : 8 + 32 * (field - 1) + 5] ^= 1;
            assertEquals(names[field] + " does not match", Auth0003.check(authentication, prefix, linkAuth.publicKey()));
        }
    }

    @Test
    void signatureMustBeByTheCertifiedKey() {
        byte[] authentication = Auth0003.sign(prefix, linkAuth);
        assertTrue(Auth0003.check(authentication, prefix, Ed25519.generateKeyPair().publicKey()).startsWith("SIG"));
        authentication[300] ^= 1;
        assertTrue(Auth0003.check(authentication, prefix, linkAuth.publicKey()).startsWith("SIG"));
    }

    @Test
    void tooShortIsRefused() {
        byte[] authentication = Arrays.copyOf(Auth0003.sign(prefix, linkAuth), 351);
        assertTrue(Auth0003.check(authentication, prefix, linkAuth.publicKey()).contains("at least 352"));
    }

    @Test
    void bindingDependsOnCertificateAndBothTranscripts() {
        byte[] binding = Auth0003.tlsBinding(scert, slog, clog);
        assertEquals(32, binding.length);
        assertTrue(!Arrays.equals(binding, Auth0003.tlsBinding(Randoms.bytes(32), slog, clog)));
        assertTrue(!Arrays.equals(binding, Auth0003.tlsBinding(scert, Randoms.bytes(32), clog)));
        assertTrue(!Arrays.equals(binding, Auth0003.tlsBinding(scert, slog, Randoms.bytes(32))));
    }
}
