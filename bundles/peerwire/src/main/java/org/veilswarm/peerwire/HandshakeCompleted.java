package org.veilswarm.peerwire;

/**
 * User event fired by {@link HandshakeHandler} once both handshakes are exchanged, before any message.
 *
 * @param remote  the peer's handshake
 * @param torrent the torrent the connection is for
 * @param version the protocol the connection speaks
 */
public record HandshakeCompleted(Handshake remote, KnownTorrent torrent, ProtocolVersion version) {
}
