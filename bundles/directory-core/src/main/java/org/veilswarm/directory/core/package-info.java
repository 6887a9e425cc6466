/**
 * The directory protocol library, plain Java with no networking and no OSGi code in its logic.
 *
 * <ul>
 * <li>{@link org.veilswarm.directory.core.RelayDescriptorDocument} and
 * {@link org.veilswarm.directory.core.RelayDescriptorParser}: the signed relay descriptor, a strict
 * line-based text document in the style of Tor's dir-spec §1.2/§2.1.1 (docs/protocols/directory-descriptor.md).</li>
 * <li>{@link org.veilswarm.directory.core.MerkleHeader}, {@link org.veilswarm.directory.core.SignedMerkleHeader},
 * {@link org.veilswarm.directory.core.AuthoritySet}: the fixed-size header authorities sign for the
 * {@code merkle} scheme, and majority verification (docs/protocols/directory-merkle.md).</li>
 * <li>{@link org.veilswarm.directory.core.RelayMerkleTree}, {@link org.veilswarm.directory.core.MerkleDirectory},
 * {@link org.veilswarm.directory.core.MerkleAnswerVerifier}: per-role trees whose leaves own bandwidth ranges,
 * {@code find} answers with sibling paths, and the client-side check (after Walking Onions, Tor proposals
 * 300 and 323).</li>
 * <li>{@link org.veilswarm.directory.core.MerkleRelaySampler} over
 * {@link org.veilswarm.directory.core.DirectoryQueries}, and {@link org.veilswarm.directory.core.FullListRelaySampler}
 * for the {@code consensus} scheme's full list.</li>
 * </ul>
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.2.0")
package org.veilswarm.directory.core;
