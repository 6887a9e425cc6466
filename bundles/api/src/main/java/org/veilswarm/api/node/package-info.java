/**
 * A node's identity and status.
 *
 * <p>A node is identified by an Ed25519 key; its {@link org.veilswarm.api.node.OnionAddress} is derived
 * from that key exactly as Tor v3 onion addresses are (rend-spec-v3 §6), so the same share link works on
 * every transport able to reach onion services. {@link org.veilswarm.api.node.ServiceKeys} hands out the keys
 * of the extra onion services each share is published on (1.1.0).
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package org.veilswarm.api.node;
