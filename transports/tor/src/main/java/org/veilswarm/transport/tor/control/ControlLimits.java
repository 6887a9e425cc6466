package org.veilswarm.transport.tor.control;

/**
 * Bounds on what the reply decoder buffers, so a misbehaving peer on the control port cannot make
 * us allocate without limit.
 *
 * @param maxLineLength longest line, without its CRLF, in bytes
 * @param maxReplyBytes largest reply including data blocks, in bytes on the wire
 */
public record ControlLimits(int maxLineLength, int maxReplyBytes) {
    /**
     * Generous for tor's real replies: the longest lines are events listing circuit paths (a few KiB);
     * the largest replies are data blocks such as {@code GETINFO ns/all} on a small network.
     */
    public static final ControlLimits DEFAULT = new ControlLimits(64 * 1024, 16 * 1024 * 1024);

    public ControlLimits {
        if (maxLineLength < 16) {
            throw new IllegalArgumentException("maxLineLength must be at least 16, got " + maxLineLength);
        }
        if (maxReplyBytes < maxLineLength) {
            throw new IllegalArgumentException("maxReplyBytes (" + maxReplyBytes + ") < maxLineLength (" + maxLineLength + ")");
        }
    }
}
