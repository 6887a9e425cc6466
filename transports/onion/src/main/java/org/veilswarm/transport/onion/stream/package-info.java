/**
 * Streams on circuits (tor-spec §6, §7): each stream is an {@link OnionStreamChannel}, a Netty child
 * channel of its circuit's edge running on the circuit's event loop, as {@code Http2StreamChannel} is
 * a child of an HTTP/2 connection. {@link CircuitStreams} multiplexes the streams of one circuit edge
 * (an origin circuit's hop, or a relay's hop), opens them with RELAY_BEGIN / RELAY_BEGIN_DIR, accepts
 * them through a {@link StreamAcceptor} (there are no exits: a stream ends at a service registered on
 * the circuit's end, see {@link LocalServices}), and runs SENDME flow control at stream level
 * (500/50) and circuit level (1000/100, authenticated SENDME v1), mapped to channel writability.
 *
 * @see <a href="https://spec.torproject.org/tor-spec/">tor-spec</a>
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.veilswarm.transport.onion.stream;
