package org.veilswarm.api.tracker;

import java.time.Instant;
import java.util.Objects;

import org.veilswarm.api.transport.TransportAddress;

/**
 * A peer of a torrent as a tracker records it.
 *
 * @param infoHash the torrent
 * @param peerId the peer's 20-byte BitTorrent peer id
 * @param address where the peer accepts streams (an onion service port, or ip:port on direct)
 * @param left bytes the peer still needs; 0 means seeder
 * @param uploaded bytes uploaded as reported by the peer
 * @param downloaded bytes downloaded as reported by the peer
 * @param lastSeen when the peer last announced; peers expire when this is older than the store's expiry
 */
public record PeerEntry(InfoHash infoHash, byte[] peerId, TransportAddress address, long left, long uploaded,
        long downloaded, Instant lastSeen) {

    public PeerEntry {
        Objects.requireNonNull(infoHash, "infoHash");
        if (peerId == null || peerId.length != 20) {
            throw new IllegalArgumentException("peer_id must be 20 bytes");
        }
        peerId = peerId.clone();
        Objects.requireNonNull(address, "address");
        if (left < 0 || uploaded < 0 || downloaded < 0) {
            throw new IllegalArgumentException("left, uploaded and downloaded cannot be negative");
        }
        Objects.requireNonNull(lastSeen, "lastSeen");
    }

    @Override
    public byte[] peerId() {
        return peerId.clone();
    }

    /** Records compare arrays by reference; peers are equal when their content is. */
    @Override
    public boolean equals(Object o) {
        return o instanceof PeerEntry p && infoHash.equals(p.infoHash) && java.util.Arrays.equals(peerId, p.peerId)
                && address.equals(p.address) && left == p.left && uploaded == p.uploaded
                && downloaded == p.downloaded && lastSeen.equals(p.lastSeen);
    }

    @Override
    public int hashCode() {
        return Objects.hash(infoHash, java.util.Arrays.hashCode(peerId), address, left, uploaded, downloaded, lastSeen);
    }

    /** Whether the peer has the whole torrent. */
    public boolean seeder() {
        return left == 0;
    }
}
