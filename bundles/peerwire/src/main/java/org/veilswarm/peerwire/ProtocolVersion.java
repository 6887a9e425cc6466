package org.veilswarm.peerwire;

/**
 * Which protocol a connection speaks after the handshake (BEP 52 "Upgrade path"): V2 when the handshake
 * carried the truncated v2 info-hash (hash requests and v2 piece hashes apply), V1 for the v1 hash of
 * a hybrid torrent.
 */
public enum ProtocolVersion {
    V1, V2
}
