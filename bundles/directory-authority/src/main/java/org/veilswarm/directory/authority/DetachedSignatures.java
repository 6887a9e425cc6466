package org.veilswarm.directory.authority;

import java.util.Arrays;
import java.util.Objects;

import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.directory.core.HeaderSignature;

/**
 * One authority's two signatures for one period, as authorities exchange them (docs/protocols/directory-consensus.md
 * §4): consensus digest [32], merkle consensus-id [32], authority key [32], signature over the list [64],
 * signature over the merkle header [64]; 224 bytes.
 */
public record DetachedSignatures(byte[] consensusDigest, byte[] merkleConsensusId, HeaderSignature list,
        HeaderSignature header) {
    public static final int LENGTH = 32 + 32 + 32 + 64 + 64;

    public DetachedSignatures {
        consensusDigest = consensusDigest.clone();
        merkleConsensusId = merkleConsensusId.clone();
        if (consensusDigest.length != 32 || merkleConsensusId.length != 32) {
            throw new IllegalArgumentException("digests are 32 bytes");
        }
        Objects.requireNonNull(list, "list");
        Objects.requireNonNull(header, "header");
        if (!list.authority().equals(header.authority())) {
            throw new IllegalArgumentException("both signatures come from one authority");
        }
    }

    @Override
    public byte[] consensusDigest() {
        return consensusDigest.clone();
    }

    @Override
    public byte[] merkleConsensusId() {
        return merkleConsensusId.clone();
    }

    public byte[] encode() {
        byte[] out = new byte[LENGTH];
        System.arraycopy(consensusDigest, 0, out, 0, 32);
        System.arraycopy(merkleConsensusId, 0, out, 32, 32);
        System.arraycopy(list.authority().bytes(), 0, out, 64, 32);
        System.arraycopy(list.signature(), 0, out, 96, 64);
        System.arraycopy(header.signature(), 0, out, 160, 64);
        return out;
    }

    /** @throws IllegalArgumentException when the length is not {@value #LENGTH} */
    public static DetachedSignatures decode(byte[] bytes) {
        if (bytes.length != LENGTH) {
            throw new IllegalArgumentException("detached signatures are " + LENGTH + " bytes, got " + bytes.length);
        }
        RelayDescriptor.Key key = new RelayDescriptor.Key(Arrays.copyOfRange(bytes, 64, 96));
        return new DetachedSignatures(Arrays.copyOf(bytes, 32), Arrays.copyOfRange(bytes, 32, 64),
                new HeaderSignature(key, Arrays.copyOfRange(bytes, 96, 160)),
                new HeaderSignature(key, Arrays.copyOfRange(bytes, 160, 224)));
    }
}
