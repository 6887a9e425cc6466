/**
 * Onion-service introduction and rendezvous (rend-spec-v3 §3): the cell bodies of ESTABLISH_INTRO,
 * INTRO_ESTABLISHED, INTRODUCE1/2, INTRODUCE_ACK, ESTABLISH_RENDEZVOUS, RENDEZVOUS_ESTABLISHED and
 * RENDEZVOUS1/2; the hs-ntor handshake (§3.3.1); the introduction- and rendezvous-point roles of a
 * relay; and the service and client sides over {@code OriginCircuit}s, which end in a joined circuit
 * with an end-to-end hop that carries streams.
 */
package org.veilswarm.transport.onion.hs.rend;
