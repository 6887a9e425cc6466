package org.veilswarm.directory.core;

import java.util.Objects;

import org.veilswarm.api.directory.RelayDescriptor;

/** One authority's Ed25519 signature over a {@link MerkleHeader}. */
public record HeaderSignature(RelayDescriptor.Key authority, byte[] signature) {
    public static final int SIGNATURE_LENGTH = 64;

    public HeaderSignature {
        Objects.requireNonNull(authority, "authority");
        signature = Objects.requireNonNull(signature, "signature").clone();
        if (signature.length != SIGNATURE_LENGTH) {
            throw new IllegalArgumentException("signature must be 64 bytes");
        }
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HeaderSignature s && authority.equals(s.authority)
                && java.util.Arrays.equals(signature, s.signature);
    }

    @Override
    public int hashCode() {
        return authority.hashCode() * 31 + java.util.Arrays.hashCode(signature);
    }
}
