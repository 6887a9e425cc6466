package org.veilswarm.api.directory;

import java.util.Objects;

/**
 * A relay descriptor together with the exact signed document it was parsed from, as relays upload it to
 * authorities. The document format belongs to the scheme and is specified in
 * {@code docs/protocols/directory-*.md}.
 *
 * @param descriptor the parsed, verified content
 * @param document the signed document bytes
 */
public record SignedRelayDescriptor(RelayDescriptor descriptor, byte[] document) {
    public SignedRelayDescriptor {
        Objects.requireNonNull(descriptor, "descriptor");
        document = Objects.requireNonNull(document, "document").clone();
    }

    @Override
    public byte[] document() {
        return document.clone();
    }

    /** Equal when the signed documents are byte for byte the same (the descriptor is parsed from it). */
    @Override
    public boolean equals(Object o) {
        return o instanceof SignedRelayDescriptor d && java.util.Arrays.equals(document, d.document);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(document);
    }
}
