/**
 * BEP 9 metadata exchange on top of the {@code ut_metadata} messages of {@link org.veilswarm.peerwire}:
 * how a node that knows only an info-hash (a share link, a magnet link) gets the {@code info} dictionary
 * from peers, and how a node that has it answers.
 *
 * <ul>
 *   <li>{@link org.veilswarm.peerwire.metadata.MetadataAssembler} is pure logic with an injected clock:
 *   it decides which 16 KiB piece to ask which peer for, takes pieces from one or more peers, moves a
 *   piece to another peer on reject or timeout, refuses absurd {@code metadata_size}s, and accepts the
 *   assembled dictionary only when its hash is the expected info-hash (SHA-256 for v2, BEP 52; SHA-1
 *   for the v1 hash of a hybrid, BEP 3) and it parses as v2 metainfo. A peer that sends data that does
 *   not hash right is found and named, so the caller can disconnect it.</li>
 *   <li>{@link org.veilswarm.peerwire.metadata.MetadataServer} answers requests from a known
 *   {@code info} dictionary.</li>
 *   <li>{@link org.veilswarm.peerwire.metadata.MetadataFetchHandler} wires an assembler into one peer
 *   connection's Netty pipeline (after {@link org.veilswarm.peerwire.HandshakeHandler}).</li>
 * </ul>
 *
 * @see <a href="https://www.bittorrent.org/beps/bep_0009.html">BEP 9, Extension for Peers to Send Metadata Files</a>
 * @see <a href="https://www.bittorrent.org/beps/bep_0010.html">BEP 10, Extension Protocol</a>
 * @see <a href="https://www.bittorrent.org/beps/bep_0052.html">BEP 52, The BitTorrent Protocol v2</a>
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.veilswarm.peerwire.metadata;
