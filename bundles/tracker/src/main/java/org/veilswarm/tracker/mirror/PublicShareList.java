package org.veilswarm.tracker.mirror;

import java.util.Collection;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * The public shares a tracker serves, for the public index that lets another node mirror all of them by the
 * node's address alone. Declared here (the mirroring library) and implemented by the tracker's share table, so
 * that the library needs nothing from the layer above it. Private shares must never be listed.
 */
@ConsumerType
@FunctionalInterface
public interface PublicShareList {
    /** The tokens of the public shares served now. */
    Collection<String> publicTokens();
}
