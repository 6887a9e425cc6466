package org.veilswarm.swarm.engine;

import org.veilswarm.api.transport.TransportAddress;

/**
 * One connected peer.
 *
 * @param connectionId     unique per connection within the engine
 * @param address          the peer's transport address
 * @param transportScheme  the transport carrying the connection
 * @param outbound         we opened the connection
 * @param peerId           the peer id from its handshake, hex
 * @param client           the client name from its extension handshake, if it sent one
 * @param v2               the connection speaks v2 (BEP 52) rather than v1
 * @param pieces           pieces the peer has
 * @param amChoking        we choke it
 * @param amInterested     we are interested in it
 * @param peerChoking      it chokes us
 * @param peerInterested   it is interested in us
 * @param downloaded       payload bytes received from it
 * @param uploaded         payload bytes sent to it
 * @param downloadRate     recent bytes/s received from it
 * @param uploadRate       recent bytes/s sent to it
 * @param pendingRequests  our requests waiting at the peer
 */
public record PeerStats(long connectionId, TransportAddress address, String transportScheme, boolean outbound,
                        String peerId, String client, boolean v2, int pieces, boolean amChoking,
                        boolean amInterested, boolean peerChoking, boolean peerInterested, long downloaded,
                        long uploaded, long downloadRate, long uploadRate, int pendingRequests) {
}
