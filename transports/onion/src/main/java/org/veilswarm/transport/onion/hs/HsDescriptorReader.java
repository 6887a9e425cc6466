package org.veilswarm.transport.onion.hs;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import org.veilswarm.api.node.OnionAddress;
import org.veilswarm.crypto.AllZeroSharedSecretException;
import org.veilswarm.crypto.ConstantTime;
import org.veilswarm.crypto.Ed25519;
import org.veilswarm.transport.onion.hs.DescriptorException.Reason;

/**
 * The client side of a descriptor fetch (rend-spec-v3 §2.4, §2.5, §2.5.1.3): given the onion address and
 * the time period, derive the blinded key, check that the descriptor is signed under it, verify the
 * signing-key certificate and signature, then decrypt the first layer, find the descriptor cookie if a
 * client authorization key is given, decrypt and parse the second layer, and verify the intro point
 * certificates. Every refusal is a {@link DescriptorException} with its {@link Reason}.
 */
public final class HsDescriptorReader {
    private HsDescriptorReader() {
    }

    /** Opens a descriptor of a service without client authorization. */
    public static DecryptedDescriptor open(byte[] document, OnionAddress address, TimePeriod period, Instant now)
            throws DescriptorException {
        return open(document, address, period, now, null);
    }

    /**
     * @param clientSecretKey the client's X25519 secret key (KS_hsc_desc_enc), or {@code null}
     */
    public static DecryptedDescriptor open(byte[] document, OnionAddress address, TimePeriod period, Instant now,
            byte[] clientSecretKey) throws DescriptorException {
        Objects.requireNonNull(address, "address");
        byte[] identity = address.publicKey();
        if (!Ed25519.isValidPublicKey(identity)) {
            // §2.2.7: a key with a torsion component (or none at all) must not be used.
            throw new IllegalArgumentException("onion address key is not a prime-order point: " + address);
        }
        byte[] blindedKey = HsKeys.blindedPublicKey(identity, period);
        return open(document, blindedKey, HsKeys.subcredential(identity, blindedKey), now, clientSecretKey,
                address + " in time period " + period.number());
    }

    /**
     * Opens a descriptor given the blinded key and subcredential directly (a service checking its own upload,
     * or a test vector that comes with them).
     */
    public static DecryptedDescriptor open(byte[] document, byte[] blindedKey, byte[] subcredential, Instant now,
            byte[] clientSecretKey) throws DescriptorException {
        return open(document, blindedKey, subcredential, now, clientSecretKey, "the expected blinded key");
    }

    private static DecryptedDescriptor open(byte[] document, byte[] blindedKey, byte[] subcredential, Instant now,
            byte[] clientSecretKey, String expected) throws DescriptorException {
        HsKeys.requireKey(blindedKey, "blinded key");
        HsKeys.requireKey(subcredential, "subcredential");
        HsDescriptor outer = HsDescriptor.parse(document);
        if (!Arrays.equals(blindedKey, outer.blindedKey())) {
            throw new DescriptorException(Reason.WRONG_BLINDED_KEY, "descriptor is signed under another blinded key "
                    + "than " + expected);
        }
        outer.verify(now);
        long revision = outer.revisionCounter();

        byte[] firstPlain = DescriptorCipher.decrypt(blindedKey, subcredential, revision,
                DescriptorCipher.SUPERENCRYPTED_CONSTANT, outer.superencrypted());
        FirstLayer first = FirstLayer.parse(firstPlain);

        byte[] cookie = clientSecretKey == null ? null : findCookie(first, subcredential, clientSecretKey);
        byte[] secondPlain;
        try {
            secondPlain = DescriptorCipher.decrypt(HsDescriptorBuilder.concat(blindedKey, cookie == null ? new byte[0]
                    : cookie), subcredential, revision, DescriptorCipher.ENCRYPTED_CONSTANT, first.encrypted());
        } catch (DescriptorException e) {
            if (e.reason() == Reason.BAD_MAC && cookie == null) {
                // The outer layer is signed by the service, so a second layer we cannot open was meant for
                // authorized clients only.
                throw new DescriptorException(Reason.NOT_AUTHORIZED, "the service requires client authorization"
                        + (clientSecretKey == null ? "" : " and the given client key is not among its clients"));
            }
            throw e;
        }
        SecondLayer second = SecondLayer.parse(secondPlain);
        second.verify(outer.signingKeyCert().certifiedKey(), now);
        return new DecryptedDescriptor(outer, first, second, cookie != null);
    }

    private static byte[] findCookie(FirstLayer first, byte[] subcredential, byte[] clientSecretKey)
            throws DescriptorException {
        byte[] keys;
        try {
            keys = ClientAuth.keys(subcredential, clientSecretKey, first.ephemeralKey());
        } catch (AllZeroSharedSecretException e) {
            throw NetDoc.malformed("desc-auth-ephemeral-key is a small-order point");
        }
        byte[] clientId = ClientAuth.clientId(keys);
        AuthClient match = null;
        for (AuthClient client : first.authClients()) {
            // Look at every line, so timing does not tell which one matched.
            if (ConstantTime.equals(clientId, client.clientId()) && match == null) {
                match = client;
            }
        }
        byte[] cookie = match == null ? null : ClientAuth.crypt(keys, match.iv(), match.encryptedCookie());
        Arrays.fill(keys, (byte) 0);
        return cookie;
    }
}
