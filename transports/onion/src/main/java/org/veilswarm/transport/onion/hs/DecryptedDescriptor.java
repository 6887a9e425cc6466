package org.veilswarm.transport.onion.hs;

/**
 * A descriptor a client has verified and opened: the outer document, both plaintext layers, and whether
 * the second layer needed the client's authorization key.
 */
public record DecryptedDescriptor(HsDescriptor outer, FirstLayer firstLayer, SecondLayer secondLayer,
        boolean clientAuthorized) {
}
