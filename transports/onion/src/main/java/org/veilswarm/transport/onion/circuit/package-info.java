/**
 * Circuits over onion links (tor-spec §5): circuit ID allocation and per-link circuit tables
 * (§5.1.1), CREATE2/CREATED2 with ntor on relays, origin circuits built hop by hop with
 * EXTEND2/EXTENDED2 in RELAY_EARLY cells (§5.1.2, §5.6), relaying of cells between the two halves of
 * a circuit at a middle relay (§5.5), DESTROY in both directions (§5.4), and counters of relayed
 * traffic. No exits and no streams yet.
 *
 * @see <a href="https://spec.torproject.org/tor-spec/">tor-spec</a>
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.veilswarm.transport.onion.circuit;
