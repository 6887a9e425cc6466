package org.veilswarm.transport.onion.service;

import java.util.Collection;
import java.util.concurrent.CompletionStage;
import org.veilswarm.api.directory.RelayDescriptor;

/**
 * The verified relays that carry the HSDir flag, for building the hash ring (rend-spec-v3 §2.2.3). A
 * {@link org.veilswarm.api.directory.RelaySampler} only picks at random, but the ring needs every HSDir of
 * the consensus, so the directory scheme that can enumerate them implements this (a full-list directory can;
 * a Merkle one would answer a range query). Declared here, where it is needed (DESIGN: the lower layer
 * declares the interface).
 */
@FunctionalInterface
public interface HsDirList {
    /** Every relay of the current verified consensus with the HSDir flag; fails when there is none. */
    CompletionStage<Collection<RelayDescriptor>> hsDirs();
}
