/**
 * Tor's cells as immutable values, with Netty codecs: link cells (tor-spec §3, link protocol 4 and
 * later, plus the 2-byte circuit IDs before VERSIONS negotiation) and the plaintext relay cells
 * carried inside RELAY/RELAY_EARLY (tor-spec §6.1) with their message bodies.
 *
 * <p>Shape, after Netty's codecs: value types ({@link org.veilswarm.transport.onion.cell.Cell} and its
 * implementations, {@link org.veilswarm.transport.onion.cell.RelayMessage} and its implementations), a
 * {@link org.veilswarm.transport.onion.cell.CellDecoder}, a
 * {@link org.veilswarm.transport.onion.cell.CellEncoder}, and
 * {@link org.veilswarm.transport.onion.cell.CellFormatException} for malformed input, which says
 * whether the problem is fatal to the whole link or only to one circuit. Nothing here knows about
 * TLS, circuits or crypto: this package only reads and writes bytes.
 *
 * <p>Buffers: {@link org.veilswarm.transport.onion.cell.RelayCell} and
 * {@link org.veilswarm.transport.onion.cell.Data} hold pooled {@link io.netty.buffer.ByteBuf} slices of
 * the bytes they were decoded from (no copies on the relay path) and must be released; every other
 * value holds small arrays.
 *
 * @see <a href="https://spec.torproject.org/tor-spec/">tor-spec</a>
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.veilswarm.transport.onion.cell;
