package org.veilswarm.directory.core;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.api.directory.RelayFlag;
import org.veilswarm.api.directory.SignedRelayDescriptor;

/**
 * One relay as the authorities list it (docs/protocols/directory-consensus.md §2): the relay's own signed
 * descriptor, the flags the authorities assigned (not the ones the relay claimed) and the weight clients pick
 * it by. Shared by votes, the {@code consensus} scheme's list and the {@code merkle} trees.
 *
 * @param signed the relay's signed descriptor, byte for byte as it uploaded it
 * @param flags the flags the authorities assigned
 * @param weight the bandwidth weight in [0, {@link RelayDescriptorDocument#MAX_BANDWIDTH}]; 0 is never picked
 */
public record ConsensusEntry(SignedRelayDescriptor signed, Set<RelayFlag> flags, long weight) {
    public ConsensusEntry {
        Objects.requireNonNull(signed, "signed");
        flags = Set.copyOf(flags);
        if (weight < 0 || weight > RelayDescriptorDocument.MAX_BANDWIDTH) {
            throw new IllegalArgumentException("weight " + weight + " outside [0, 2^40]");
        }
    }

    /** An entry with the relay's own weight ({@link RelayDescriptor#weight()}) and the given flags. */
    public static ConsensusEntry of(SignedRelayDescriptor signed, Set<RelayFlag> flags) {
        return new ConsensusEntry(signed, flags, Math.min(signed.descriptor().weight(),
                RelayDescriptorDocument.MAX_BANDWIDTH));
    }

    public RelayDescriptor.Key identity() {
        return signed.descriptor().identityKey();
    }

    /** The descriptor as clients should see it: the relay's content with the authorities' flags. */
    public RelayDescriptor relay() {
        RelayDescriptor d = signed.descriptor();
        return new RelayDescriptor(d.identity(), d.ntorOnionKey(), d.orAddresses(), d.bandwidthObserved(),
                d.bandwidthConfigured(), d.family(), d.version(), flags, d.published());
    }

    /** The flags as the one-byte mask of the wire format: bit i set for {@code RelayFlag.values()[i]}. */
    int flagMask() {
        int mask = 0;
        for (RelayFlag f : flags) {
            mask |= 1 << f.ordinal();
        }
        return mask;
    }

    static Set<RelayFlag> flagsOf(int mask) {
        Set<RelayFlag> flags = EnumSet.noneOf(RelayFlag.class);
        for (RelayFlag f : RelayFlag.values()) {
            if ((mask & (1 << f.ordinal())) != 0) {
                flags.add(f);
            }
        }
        return flags;
    }
}
