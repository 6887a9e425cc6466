/**
 * Path selection for circuits (tor-spec §5, path-spec §2.2): {@link PathSelector} asks a directory's
 * {@link org.veilswarm.api.directory.RelaySampler} for one relay per hop by role (guard first, middles
 * after) and checks every pick itself — no relay twice, no two relays of one family when configured,
 * never this node's own relay — re-asking a bounded number of times; {@link PathCircuits} builds a circuit
 * through a selected path (CREATE2 to the first relay, EXTEND2 to the others).
 *
 * @see <a href="https://spec.torproject.org/path-spec/">path-spec</a>
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.veilswarm.transport.onion.path;
