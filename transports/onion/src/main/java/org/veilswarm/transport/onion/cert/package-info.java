/**
 * Tor's Ed25519 certificates (cert-spec §2.1) as immutable values with a strict parser, an
 * encoder/signer and verification against an expected signing key and an injectable clock. The
 * link handshake uses three of them (cert-spec §A.1): IDENTITY_V_SIGNING (4), SIGNING_V_TLS_CERT (5)
 * and SIGNING_V_LINK_AUTH (6).
 *
 * @see <a href="https://spec.torproject.org/cert-spec.html">cert-spec</a>
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.veilswarm.transport.onion.cert;
