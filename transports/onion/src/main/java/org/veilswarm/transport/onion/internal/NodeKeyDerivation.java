package org.veilswarm.transport.onion.internal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Function;
import org.veilswarm.api.transport.ServiceKey;
import org.veilswarm.crypto.Hkdf;

/**
 * Keys of the relay derived one-way from the node's identity key (HKDF-SHA256, RFC 5869), each under its own
 * "info" so that no two derived keys and no derived key and the node key are related. The intermediate secrets
 * are zeroed as soon as the key is built.
 */
final class NodeKeyDerivation {
    /** HKDF salt (RFC 5869 §3.1) shared by every key derived here; the info tells them apart. */
    private static final byte[] SALT = "veilswarm.org/onion-relay".getBytes(StandardCharsets.US_ASCII);

    private NodeKeyDerivation() {
    }

    /** Derives {@code length} bytes from the node key under {@code info} and builds a key of them. */
    static <K> K derive(ServiceKey nodeKey, byte[] info, int length, Function<byte[], K> keyOf) {
        byte[] secret = nodeKey.expandedSecretKey();
        byte[] material = null;
        try {
            material = Hkdf.derive(SALT, secret, info, length);
            return keyOf.apply(material);
        } finally {
            Arrays.fill(secret, (byte) 0);
            if (material != null) {
                Arrays.fill(material, (byte) 0);
            }
        }
    }
}
