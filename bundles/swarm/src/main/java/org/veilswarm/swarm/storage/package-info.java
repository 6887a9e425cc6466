/**
 * Verified piece storage for v2 torrents: files written in place below a download directory, blocks
 * buffered until their piece verifies against the BEP 52 hashes, a piece marked "have" only once it is
 * verified and forced to disk, reads served only from verified pieces, and crash-safe resume data.
 * See {@code docs/swarm-storage.md} for the guarantees.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.veilswarm.swarm.storage;
