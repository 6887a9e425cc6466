package org.veilswarm.directory.core;

import org.veilswarm.api.directory.DirectoryException;

/** A relay descriptor document was rejected; {@link #reason()} says why, {@link #line()} where. */
public final class DescriptorException extends DirectoryException {
    private static final long serialVersionUID = 1L;

    /** Why a descriptor was rejected (docs/protocols/directory-descriptor.md, "Rejections"). */
    public enum Reason {
        /** Longer than {@link RelayDescriptorDocument#MAX_DOCUMENT_BYTES}. */
        OVERSIZE,
        /** Not printable ASCII lines each ending in LF, an empty line, stray spaces, or a wrong argument count. */
        MALFORMED_LINE,
        /** The first line names a format version this parser does not know. */
        UNSUPPORTED_VERSION,
        /** A keyword the format does not define. */
        UNKNOWN_KEYWORD,
        /** A required keyword is absent (or appears only after a later keyword). */
        MISSING_KEYWORD,
        /** A keyword appears more often than allowed. */
        DUPLICATE_KEYWORD,
        /** A known keyword after a keyword that must follow it. */
        OUT_OF_ORDER,
        /** Not unpadded, canonical base64 (RFC 4648 §4 alphabet). */
        BAD_BASE64,
        /** A key or signature decodes to the wrong number of bytes. */
        WRONG_KEY_LENGTH,
        /** A value that is out of range or not of its type (number, address, time, flag, key point). */
        BAD_VALUE,
        /** Parsable, but not the one canonical form (ordering, number or address spelling). */
        NOT_CANONICAL,
        /** The Ed25519 signature does not verify with the identity key. */
        BAD_SIGNATURE,
        /** Published later than now plus the allowed clock skew. */
        PUBLISHED_IN_FUTURE
    }

    private final Reason reason;
    private final int line;

    public DescriptorException(Reason reason, int line, String detail) {
        super(reason + (line > 0 ? " at line " + line : "") + ": " + detail);
        this.reason = reason;
        this.line = line;
    }

    public Reason reason() {
        return reason;
    }

    /** 1-based line number, or 0 when the problem concerns the whole document. */
    public int line() {
        return line;
    }
}
