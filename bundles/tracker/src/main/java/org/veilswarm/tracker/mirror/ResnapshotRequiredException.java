package org.veilswarm.tracker.mirror;

/**
 * The source cannot continue the feed from the mirror's position (its feed restarted under a new epoch, or
 * dropped the changes the mirror still needs): the mirror must take a new snapshot.
 */
public final class ResnapshotRequiredException extends MirrorException {
    private static final long serialVersionUID = 1L;

    public ResnapshotRequiredException(String message) {
        super(message);
    }
}
