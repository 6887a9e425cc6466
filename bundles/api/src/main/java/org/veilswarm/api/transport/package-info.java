/**
 * The transport SPI: how Veilswarm reaches other nodes and is reached by them.
 *
 * <p>Streams are Netty {@link io.netty.channel.Channel}s whatever carries them: a stream on an onion
 * circuit is a child channel of its circuit, a SOCKS stream through C tor is a socket channel, a direct
 * stream is a plain TCP socket channel. Everything above (peer wire, tracker HTTP, mirroring, trust) is a
 * Netty pipeline that never knows which transport it runs on.
 *
 * <p>A transport is registered as a {@link org.veilswarm.api.transport.Transport} service with the
 * service property {@link org.veilswarm.api.transport.Transport#SCHEME}.
 *
 * <p>1.3: onion service client authorization (rend-spec-v3 §2.5.1.2, as OnionShare's private shares use it):
 * {@link org.veilswarm.api.transport.ListenOptions} publish a service only the holders of
 * {@link org.veilswarm.api.transport.ClientAuthSecretKey}s of its authorized clients can reach,
 * {@link org.veilswarm.api.transport.ConnectOptions} carry such a key; keys in C tor's text forms
 * ({@code descriptor:x25519:<base32>}). Transports without it fail with
 * {@link org.veilswarm.api.transport.TransportException.Reason#UNSUPPORTED_OPTION}. See docs/transports/onion.md.
 *
 * <p>1.4: {@link org.veilswarm.api.transport.Transport#serviceCounts()}: what a transport's onion services did
 * ({@link org.veilswarm.api.transport.ServiceCounts}: introductions accepted and refused by reason, failed
 * rendezvous, connects by outcome), for the console.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.4.1")
package org.veilswarm.api.transport;
