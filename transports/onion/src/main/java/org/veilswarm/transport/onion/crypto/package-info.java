/**
 * The onion transport's handshake and relay crypto: the ntor handshake of CREATE2/EXTEND2 (tor-spec
 * §5.1.4) with its KDF-RFC5869 key expansion (§5.2.2), and the "tor1" relay cell crypto, AES-128-CTR
 * layers with running SHA-1 digests (§5.2, §5.5, §6.1). Pure logic over byte arrays and Netty buffers;
 * the primitives come from {@code org.veilswarm.crypto}.
 *
 * @see <a href="https://spec.torproject.org/tor-spec/">tor-spec</a>
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.veilswarm.transport.onion.crypto;
