package org.veilswarm.transport.onion.hs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.veilswarm.api.node.OnionAddress;
import org.veilswarm.crypto.Ed25519;
import org.veilswarm.crypto.Ed25519KeyPair;
import org.veilswarm.crypto.X25519;
import org.veilswarm.crypto.X25519KeyPair;
import org.veilswarm.transport.onion.cert.Ed25519Cert;

/**
 * The properties every descriptor parser must keep on any input: it either refuses with a
 * {@link DescriptorException} or accepts something that encodes back to exactly the input; no other
 * exception escapes, and verification of an accepted document fails only with a reason.
 */
final class DescriptorFuzzing {
    private static final Instant NOW = Instant.parse("2026-11-22T04:00:00Z");

    private DescriptorFuzzing() {
    }

    static void checkOuter(byte[] input) {
        HsDescriptor parsed;
        try {
            parsed = HsDescriptor.parse(input);
        } catch (DescriptorException refused) {
            return;
        }
        assertArrayEquals(input, parsed.encoded());
        try {
            parsed.verify(NOW);
        } catch (DescriptorException refused) {
            // a reason is all we ask for
        }
    }

    static void checkFirstLayer(byte[] input) {
        FirstLayer parsed;
        try {
            parsed = FirstLayer.parse(input);
        } catch (DescriptorException refused) {
            return;
        }
        int length = input.length;
        while (length > 0 && input[length - 1] == 0) {
            length--;
        }
        assertArrayEquals(java.util.Arrays.copyOf(input, length), parsed.encode());
    }

    /**
     * A hostile service: it signs whatever it likes, so a client opening its descriptor gets past the
     * signature to layers of any content. The first input byte chooses the layer the rest of the input
     * becomes (even: the first-layer plaintext; odd: the second-layer plaintext inside a normal first layer)
     * and whether the client holds an authorization key (bit 1). Opening either refuses with a
     * {@link DescriptorException} or yields a second layer that re-encodes to the plaintext given.
     */
    static void checkHostileService(byte[] input) {
        if (input.length == 0) {
            return;
        }
        boolean secondLayer = (input[0] & 1) != 0;
        boolean withClientKey = (input[0] & 2) != 0;
        byte[] plaintext = Arrays.copyOfRange(input, 1, input.length);
        HostileService service = HostileService.INSTANCE;
        byte[] document;
        try {
            document = service.sign(secondLayer ? service.firstLayerAround(plaintext) : plaintext);
        } catch (IllegalStateException tooLarge) {
            return; // more than the 50 KB a descriptor may have: no HSDir would serve it
        }
        DecryptedDescriptor opened;
        try {
            opened = HsDescriptorReader.open(document, service.address, service.period, NOW,
                    withClientKey ? service.client.privateKey() : null);
        } catch (DescriptorException refused) {
            return;
        }
        if (secondLayer) {
            assertArrayEquals(plaintext, opened.secondLayer().encode());
        }
    }

    /** Fixed keys of the hostile service of {@link #checkHostileService}. */
    static final class HostileService {
        static final HostileService INSTANCE = new HostileService();
        private static final long REVISION = 42;

        final Ed25519KeyPair identity = Ed25519.keyPairFromSeed(new byte[32]);
        final OnionAddress address = OnionAddress.fromPublicKey(identity.publicKey());
        final TimePeriod period = TimePeriod.containing(NOW);
        final X25519KeyPair client = X25519KeyPair.fromPrivateKey(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13,
                14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32});
        private final BlindedKeyPair blinded = HsKeys.blindedKeyPair(identity.publicKey(), identity.expandedSecretKey(),
                period);
        private final byte[] subcredential = HsKeys.subcredential(identity.publicKey(), blinded.publicKey());
        private final Ed25519KeyPair signer = Ed25519.keyPairFromSeed(new byte[] {7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
                7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7});
        private final Ed25519Cert signingCert = Ed25519Cert.sign(Ed25519Cert.HS_BLINDED_ID_V_SIGNING,
                Ed25519Cert.KEY_ED25519, signer.publicKey(), NOW.plus(HsDescriptorBuilder.CERT_LIFETIME),
                blinded.publicKey(), blinded::sign, true);

        private HostileService() {
        }

        /** A well-formed first layer (ephemeral key, 16 auth-client lines) around the second-layer plaintext. */
        byte[] firstLayerAround(byte[] secondPlaintext) {
            byte[] blob = DescriptorCipher.encrypt(blinded.publicKey(), subcredential, REVISION,
                    DescriptorCipher.ENCRYPTED_CONSTANT, secondPlaintext);
            List<AuthClient> clients = new ArrayList<>();
            for (int i = 0; i < HsDescriptorBuilder.AUTH_CLIENT_MULTIPLE; i++) {
                clients.add(new AuthClient(new byte[8], new byte[16], new byte[16]));
            }
            return new FirstLayer(X25519.publicKey(new byte[32]), clients, blob, false).encodePadded();
        }

        /** The outer document around the first-layer plaintext, signed as the service would. */
        byte[] sign(byte[] firstPlaintext) {
            byte[] blob = DescriptorCipher.encrypt(blinded.publicKey(), subcredential, REVISION,
                    DescriptorCipher.SUPERENCRYPTED_CONSTANT, firstPlaintext);
            HsDescriptor descriptor = HsDescriptor.sign(HsDescriptor.DEFAULT_LIFETIME_MINUTES, signingCert, REVISION,
                    blob, signer::sign);
            if (descriptor.size() > HsDescriptor.MAX_SIZE) {
                throw new IllegalStateException("too large");
            }
            return descriptor.encoded();
        }
    }

    static void checkSecondLayer(byte[] input) {
        SecondLayer parsed;
        try {
            parsed = SecondLayer.parse(input);
        } catch (DescriptorException refused) {
            return;
        }
        assertArrayEquals(input, parsed.encode());
        try {
            parsed.verify(new byte[32], NOW);
        } catch (DescriptorException refused) {
            // certificates signed by someone else are refused with a reason
        }
    }
}
