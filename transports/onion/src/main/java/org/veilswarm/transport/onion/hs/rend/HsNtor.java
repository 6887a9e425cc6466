package org.veilswarm.transport.onion.hs.rend;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.veilswarm.crypto.AesCtr;
import org.veilswarm.crypto.AllZeroSharedSecretException;
import org.veilswarm.crypto.ConstantTime;
import org.veilswarm.crypto.Shake256;
import org.veilswarm.crypto.X25519;
import org.veilswarm.crypto.X25519KeyPair;
import org.veilswarm.transport.onion.crypto.HandshakeFailedException;

/**
 * The hs-ntor handshake of rend-spec-v3 §3.3.1 [NTOR-WITH-EXTRA-DATA], both halves: the client
 * encrypts the INTRODUCE1 plaintext to the service's KP_hss_ntor (B) with keys bound to the
 * introduction point's auth key and the subcredential, the service answers in RENDEZVOUS1 with Y and
 * AUTH, and both derive {@link HsCircuitKeys}.
 */
public final class HsNtor {
    static final byte[] PROTOID = ascii("tor-hs-ntor-curve25519-sha3-256-1");
    static final byte[] T_HSENC = ascii("tor-hs-ntor-curve25519-sha3-256-1:hs_key_extract");
    static final byte[] T_HSVERIFY = ascii("tor-hs-ntor-curve25519-sha3-256-1:hs_verify");
    static final byte[] T_HSMAC = ascii("tor-hs-ntor-curve25519-sha3-256-1:hs_mac");
    static final byte[] M_HSEXPAND = ascii("tor-hs-ntor-curve25519-sha3-256-1:hs_key_expand");
    static final byte[] SERVER = ascii("Server");
    /** HANDSHAKE_INFO of RENDEZVOUS1/2: SERVER_PK [32] | AUTH [32]. */
    public static final int HANDSHAKE_INFO_LEN = 64;
    /** CLIENT_PK [32] and MAC [32] around the ciphertext of INTRODUCE1's encrypted section. */
    public static final int ENCRYPTION_OVERHEAD = 64;

    private HsNtor() {
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] out = new byte[length];
        int pos = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, out, pos, part.length);
            pos += part.length;
        }
        return out;
    }

    /**
     * {@code hs_keys = KDF(intro_secret_hs_input | t_hsenc | info, S_KEY_LEN + MAC_LEN)} with
     * {@code intro_secret_hs_input = EXP(B,x) | AUTH_KEY | X | B | PROTOID},
     * {@code info = m_hsexpand | subcredential}: ENC_KEY then MAC_KEY, 32 bytes each.
     */
    static byte[][] introKeys(byte[] sharedBx, byte[] authKey, byte[] clientPk, byte[] serviceEncKey, byte[] subcredential) {
        byte[] keys = Shake256.hash(64, sharedBx, authKey, clientPk, serviceEncKey, PROTOID, T_HSENC, M_HSEXPAND,
                subcredential);
        byte[][] split = {Arrays.copyOfRange(keys, 0, 32), Arrays.copyOfRange(keys, 32, 64)};
        Arrays.fill(keys, (byte) 0);
        return split;
    }

    /**
     * {@code rend_secret_hs_input = EXP(X,y) | EXP(X,b) | AUTH_KEY | B | X | Y | PROTOID};
     * NTOR_KEY_SEED = MAC(rend_secret_hs_input, t_hsenc); verify = MAC(rend_secret_hs_input, t_hsverify);
     * {@code auth_input = verify | AUTH_KEY | B | Y | X | PROTOID | "Server"};
     * AUTH_INPUT_MAC = MAC(auth_input, t_hsmac). Returns {NTOR_KEY_SEED, AUTH_INPUT_MAC}.
     */
    static byte[][] rendezvousSecrets(byte[] sharedXy, byte[] sharedXb, byte[] authKey, byte[] serviceEncKey,
            byte[] clientPk, byte[] serverPk) {
        byte[] secret = concat(sharedXy, sharedXb, authKey, serviceEncKey, clientPk, serverPk, PROTOID);
        byte[] seed = HsMac.mac(secret, T_HSENC);
        byte[] verify = HsMac.mac(secret, T_HSVERIFY);
        Arrays.fill(secret, (byte) 0);
        byte[] authMac = HsMac.mac(concat(verify, authKey, serviceEncKey, serverPk, clientPk, PROTOID, SERVER), T_HSMAC);
        return new byte[][] {seed, authMac};
    }

    static byte[] agree(byte[] privateKey, byte[] publicKey) throws HandshakeFailedException {
        try {
            return X25519.agree(privateKey, publicKey);
        } catch (AllZeroSharedSecretException e) {
            throw new HandshakeFailedException(HandshakeFailedException.Reason.DEGENERATE_KEY, "hs-ntor: all-zero shared secret (small-order point)");
        }
    }

    /** The client's half, from INTRODUCE1 to RENDEZVOUS2. */
    public static final class Client {
        private final X25519KeyPair x;
        private final byte[] authKey;
        private final byte[] serviceEncKey;
        private final byte[] subcredential;

        private Client(X25519KeyPair x, byte[] authKey, byte[] serviceEncKey, byte[] subcredential) {
            this.x = x;
            this.authKey = authKey.clone();
            this.serviceEncKey = serviceEncKey.clone();
            this.subcredential = subcredential.clone();
        }

        /** A fresh ephemeral key x for one introduction to the intro point with {@code authKey}. */
        public static Client start(byte[] authKey, byte[] serviceEncKey, byte[] subcredential) {
            return start(X25519.generateKeyPair(), authKey, serviceEncKey, subcredential);
        }

        /** With a given ephemeral key (test vectors). */
        public static Client start(X25519KeyPair x, byte[] authKey, byte[] serviceEncKey, byte[] subcredential) {
            return new Client(x, authKey, serviceEncKey, subcredential);
        }

        /**
         * The encrypted section of INTRODUCE1 (§3.3): CLIENT_PK | ENCRYPTED_DATA | MAC, where MAC covers
         * {@code header} (the cell up to the encrypted section), CLIENT_PK and the ciphertext.
         */
        public byte[] encrypt(byte[] header, byte[] plaintext) throws HandshakeFailedException {
            byte[] shared = agree(x.privateKey(), serviceEncKey);
            byte[][] keys = introKeys(shared, authKey, x.publicKey(), serviceEncKey, subcredential);
            Arrays.fill(shared, (byte) 0);
            byte[] ciphertext = plaintext.clone();
            AesCtr.aes256(keys[0]).process(ciphertext, 0, ciphertext.length);
            byte[] mac = HsMac.mac(keys[1], concat(header, x.publicKey(), ciphertext));
            return concat(x.publicKey(), ciphertext, mac);
        }

        /**
         * Checks RENDEZVOUS2's HANDSHAKE_INFO (Y | AUTH) and derives the circuit keys.
         *
         * @throws HandshakeFailedException if AUTH does not match
         */
        public HsCircuitKeys finish(byte[] handshakeInfo) throws HandshakeFailedException {
            if (handshakeInfo.length != HANDSHAKE_INFO_LEN) {
                throw new HandshakeFailedException(HandshakeFailedException.Reason.MALFORMED, "hs-ntor: HANDSHAKE_INFO must be 64 bytes, got " + handshakeInfo.length);
            }
            byte[] serverPk = Arrays.copyOfRange(handshakeInfo, 0, 32);
            byte[] auth = Arrays.copyOfRange(handshakeInfo, 32, 64);
            byte[] xy = agree(x.privateKey(), serverPk);
            byte[] xb = agree(x.privateKey(), serviceEncKey);
            byte[][] secrets = rendezvousSecrets(xy, xb, authKey, serviceEncKey, x.publicKey(), serverPk);
            Arrays.fill(xy, (byte) 0);
            Arrays.fill(xb, (byte) 0);
            if (!ConstantTime.equals(secrets[1], auth)) {
                throw new HandshakeFailedException(HandshakeFailedException.Reason.BAD_AUTH, "hs-ntor: the service's AUTH does not match");
            }
            HsCircuitKeys keys = HsCircuitKeys.expand(secrets[0]);
            Arrays.fill(secrets[0], (byte) 0);
            return keys;
        }
    }

    /** What the service learns from an INTRODUCE2 and answers. */
    public record ServiceResult(byte[] plaintext, byte[] handshakeInfo, HsCircuitKeys keys) {
    }

    /**
     * The service's half: checks INTRODUCE2's MAC, decrypts its plaintext and computes RENDEZVOUS1's
     * HANDSHAKE_INFO and the circuit keys.
     *
     * @param encKey the service's KP_hss_ntor key pair (b, B) for this introduction point
     * @param header the INTRODUCE2 body up to its encrypted section
     * @param encrypted the encrypted section: CLIENT_PK | ENCRYPTED_DATA | MAC
     * @param y the service's ephemeral key
     * @throws HandshakeFailedException if the MAC does not match (wrong key, subcredential or tampering)
     */
    public static ServiceResult serve(X25519KeyPair encKey, byte[] authKey, byte[] subcredential, byte[] header,
            byte[] encrypted, X25519KeyPair y) throws HandshakeFailedException {
        if (encrypted.length < ENCRYPTION_OVERHEAD) {
            throw new HandshakeFailedException(HandshakeFailedException.Reason.MALFORMED, "hs-ntor: encrypted section of " + encrypted.length + " bytes");
        }
        byte[] clientPk = Arrays.copyOfRange(encrypted, 0, 32);
        byte[] ciphertext = Arrays.copyOfRange(encrypted, 32, encrypted.length - 32);
        byte[] mac = Arrays.copyOfRange(encrypted, encrypted.length - 32, encrypted.length);
        byte[] xb = agree(encKey.privateKey(), clientPk);
        byte[][] keys = introKeys(xb, authKey, clientPk, encKey.publicKey(), subcredential);
        byte[] expected = HsMac.mac(keys[1], concat(header, clientPk, ciphertext));
        if (!ConstantTime.equals(expected, mac)) {
            throw new HandshakeFailedException(HandshakeFailedException.Reason.BAD_AUTH, "hs-ntor: INTRODUCE2 MAC does not match");
        }
        AesCtr.aes256(keys[0]).process(ciphertext, 0, ciphertext.length);
        byte[] xy = agree(y.privateKey(), clientPk);
        byte[][] secrets = rendezvousSecrets(xy, xb, authKey, encKey.publicKey(), clientPk, y.publicKey());
        Arrays.fill(xy, (byte) 0);
        Arrays.fill(xb, (byte) 0);
        HsCircuitKeys circuitKeys = HsCircuitKeys.expand(secrets[0]);
        Arrays.fill(secrets[0], (byte) 0);
        return new ServiceResult(ciphertext, concat(y.publicKey(), secrets[1]), circuitKeys);
    }
}
