package org.veilswarm.transport.onion.link;

import java.time.Instant;
import org.veilswarm.transport.onion.cell.Certs;
import org.veilswarm.transport.onion.cert.CertException;
import org.veilswarm.transport.onion.cert.Ed25519Cert;
import org.veilswarm.transport.onion.link.LinkHandshakeException.Reason;

/**
 * Checks the Ed25519 part of a CERTS cell (tor-spec §4.2): the IDENTITY_V_SIGNING certificate must
 * name and be signed by the identity, the leaf (SIGNING_V_TLS_CERT from a responder,
 * SIGNING_V_LINK_AUTH from an initiator) must be signed by the certified signing key, none expired.
 */
record PeerCerts(byte[] identity, Ed25519Cert leaf) {

    static PeerCerts verify(Certs certs, int leafType, int leafKeyType, Instant now) throws LinkHandshakeException {
        byte[] signingBytes = certs.certificate(Certs.ED25519_SIGNING).orElseThrow(() -> new LinkHandshakeException(
                Reason.BAD_CERTIFICATES, "CERTS lacks the type-4 (IDENTITY_V_SIGNING) certificate"));
        byte[] leafBytes = certs.certificate(leafType).orElseThrow(() -> new LinkHandshakeException(
                Reason.BAD_CERTIFICATES, "CERTS lacks the type-" + leafType + " certificate"));
        try {
            Ed25519Cert signing = Ed25519Cert.parse(signingBytes);
            signing.requireTypes(Ed25519Cert.IDENTITY_V_SIGNING, Ed25519Cert.KEY_ED25519);
            byte[] identity = signing.signedWithKey().orElseThrow(() -> new LinkHandshakeException(
                    Reason.BAD_CERTIFICATES, "type-4 certificate does not name the identity key (cert-spec §2.2.1)"));
            signing.verify(identity, now);
            Ed25519Cert leaf = Ed25519Cert.parse(leafBytes);
            leaf.requireTypes(leafType, leafKeyType);
            leaf.verify(signing.certifiedKey(), now);
            return new PeerCerts(identity, leaf);
        } catch (CertException e) {
            Reason reason = e.problem() == CertException.Problem.EXPIRED ? Reason.EXPIRED_CERTIFICATE
                    : Reason.BAD_CERTIFICATES;
            throw new LinkHandshakeException(reason, e.getMessage(), e);
        }
    }
}
