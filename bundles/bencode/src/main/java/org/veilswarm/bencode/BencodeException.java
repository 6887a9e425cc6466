package org.veilswarm.bencode;

/**
 * Input that is not acceptable bencoding, or that exceeds the {@link BencodeLimits}. The message
 * names the byte offset and the reason, e.g. {@code "at byte 17: integer has a leading zero"}.
 */
public final class BencodeException extends Exception {

    private static final long serialVersionUID = 1L;

    private final long offset;
    private final String reason;

    public BencodeException(long offset, String reason) {
        super("at byte " + offset + ": " + reason);
        this.offset = offset;
        this.reason = reason;
    }

    /** Offset in the input of the byte where the problem was detected. */
    public long offset() {
        return offset;
    }

    /** The reason without the offset. */
    public String reason() {
        return reason;
    }
}
