/**
 * Onion-service keys and descriptors as a library (rend-spec-v3): time periods (§2.2.1), blinded keys and
 * subcredentials (§2.1, Appendix A.2), descriptors with their two encryption layers and client
 * authorization (§2.4, §2.5), the HSDir hash ring (§2.2.3), and an HSDir store with its HTTP protocol
 * (§2.2.6) usable on any Netty stream channel. No OSGi, no network of its own: callers bring the channels.
 * Introduction and rendezvous are not here. docs/protocols/onion-services.md describes the formats and
 * where this code deviates from C tor.
 *
 * @see <a href="https://spec.torproject.org/rend-spec/">rend-spec-v3</a>
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.veilswarm.transport.onion.hs;
