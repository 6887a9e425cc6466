/**
 * The BitTorrent peer wire protocol as Netty codecs.
 *
 * <ul>
 *   <li>{@link org.veilswarm.peerwire.HandshakeHandler} exchanges the 68-byte handshake (BEP 3
 *   "peer protocol"), accepts the 20-byte truncated v2 info-hash of a hybrid torrent (BEP 52 "Upgrade
 *   path"), then replaces itself with {@link org.veilswarm.peerwire.PeerMessageDecoder} and announces a
 *   {@link org.veilswarm.peerwire.HandshakeCompleted} user event.</li>
 *   <li>{@link org.veilswarm.peerwire.PeerMessageDecoder} and
 *   {@link org.veilswarm.peerwire.PeerMessageEncoder} turn length-prefixed frames into
 *   {@link org.veilswarm.peerwire.PeerMessage} values and back: BEP 3 messages, BEP 6 fast extension,
 *   BEP 5 {@code port}, BEP 10 extended messages, BEP 9 {@code ut_metadata}, BEP 52 hash request,
 *   hashes and hash reject.</li>
 *   <li>Every malformed or oversized input is a {@link org.veilswarm.peerwire.PeerWireException} with the
 *   reason, raised in that peer's pipeline only; limits are in {@link org.veilswarm.peerwire.PeerWireLimits}.</li>
 * </ul>
 *
 * <p>Messages that carry block or metadata bytes ({@link org.veilswarm.peerwire.Piece},
 * {@link org.veilswarm.peerwire.MetadataData}, {@link org.veilswarm.peerwire.ExtendedMessage}) are
 * {@link io.netty.buffer.ByteBufHolder}s holding a retained slice of the received buffer (no copy); whoever
 * receives one releases it.
 *
 * @see <a href="https://www.bittorrent.org/beps/bep_0003.html">BEP 3, The BitTorrent Protocol</a>
 * @see <a href="https://www.bittorrent.org/beps/bep_0005.html">BEP 5, DHT (port message)</a>
 * @see <a href="https://www.bittorrent.org/beps/bep_0006.html">BEP 6, Fast Extension</a>
 * @see <a href="https://www.bittorrent.org/beps/bep_0009.html">BEP 9, Extension for Peers to Send Metadata Files</a>
 * @see <a href="https://www.bittorrent.org/beps/bep_0010.html">BEP 10, Extension Protocol</a>
 * @see <a href="https://www.bittorrent.org/beps/bep_0052.html">BEP 52, The BitTorrent Protocol v2</a>
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.veilswarm.peerwire;
