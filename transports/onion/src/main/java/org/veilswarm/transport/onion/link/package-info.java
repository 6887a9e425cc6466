/**
 * Tor links: the link handshake over TLS (tor-spec §4: VERSIONS, CERTS, AUTH_CHALLENGE,
 * AUTHENTICATE, NETINFO) on Netty, ending in an established {@link org.veilswarm.transport.onion.link.Link}
 * whose peer's Ed25519 identity has been proved by its certificate chain, never assumed.
 * {@link org.veilswarm.transport.onion.link.RelayLinkKeys} holds a relay's link keys and certificates.
 * Deviations from tor (no RSA identity, the TLSSECRETS substitute) are listed in
 * {@code docs/protocols/onion-links.md}.
 *
 * @see <a href="https://spec.torproject.org/tor-spec/negotiating-channels.html">tor-spec §4</a>
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package org.veilswarm.transport.onion.link;
