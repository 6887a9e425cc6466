package org.veilswarm.launcher.cli;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;

/**
 * Ed25519 (RFC 8032) for the testnet generator and its readiness check, with the JDK's own provider: the
 * launcher's class path holds no Bouncy Castle (only the crypto bundle imports it, inside the framework).
 * Keys are handled raw, as the node and the directory do: a 32-byte secret seed and a 32-byte public key.
 */
final class TestnetKeys {

    /** The DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410 §4): the raw key follows. */
    private static final byte[] X509_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};
    static final int KEY_LENGTH = 32;
    static final int SIGNATURE_LENGTH = 64;

    /** A fresh key: the secret seed (as the node's key files hold it) and the raw public key. */
    record Ed25519Key(byte[] seed, byte[] publicKey) {
    }

    private TestnetKeys() {
    }

    static Ed25519Key generate() {
        try {
            KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            byte[] seed = ((EdECPrivateKey) pair.getPrivate()).getBytes()
                    .orElseThrow(() -> new IllegalStateException("the JDK's Ed25519 key has no seed"));
            byte[] encoded = pair.getPublic().getEncoded();
            return new Ed25519Key(seed, Arrays.copyOfRange(encoded, encoded.length - KEY_LENGTH, encoded.length));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK has no Ed25519 (Java 15 and newer have it)", e);
        }
    }

    /** Whether {@code signature} is a valid pure Ed25519 signature of {@code message} by {@code publicKey}. */
    static boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
        if (publicKey.length != KEY_LENGTH || signature.length != SIGNATURE_LENGTH) {
            return false;
        }
        try {
            byte[] der = Arrays.copyOf(X509_PREFIX, X509_PREFIX.length + KEY_LENGTH);
            System.arraycopy(publicKey, 0, der, X509_PREFIX.length, KEY_LENGTH);
            PublicKey key = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(key);
            verifier.update(message);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false; // not a valid point, or a malformed signature: not a valid signature either way
        }
    }

    /** Writes {@code bytes} owner-only (0600) and atomically: a reader sees no file or the whole file. */
    static void writeOwnerOnly(Path file, byte[] bytes) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.write(tmp, bytes, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.SYNC);
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
