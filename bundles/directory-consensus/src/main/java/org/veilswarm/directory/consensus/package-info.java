/**
 * The {@code consensus} directory scheme's client (docs/protocols/directory-consensus.md §6):
 * {@link org.veilswarm.directory.consensus.ConsensusClient} downloads the majority-signed relay list from
 * directory servers, verifies it and picks relays from it. The DS component is in the {@code impl} package.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.veilswarm.directory.consensus;
