package org.veilswarm.tracker.protocol;

/**
 * A request a tracker must refuse; the message is what the client reads in {@code failure reason}, so it
 * names the offending parameter and never echoes more than a short, printable excerpt of the input.
 */
public final class TrackerRequestException extends Exception {
    private static final long serialVersionUID = 1L;

    public TrackerRequestException(String reason) {
        super(reason);
    }
}
