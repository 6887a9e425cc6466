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
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.2.0")
package org.veilswarm.api.transport;
