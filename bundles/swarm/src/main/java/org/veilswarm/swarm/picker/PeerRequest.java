package org.veilswarm.swarm.picker;

/** A request pending at one peer (e.g. one to cancel). */
public record PeerRequest<P>(P peer, BlockRequest request) {
}
