package org.veilswarm.swarm.engine;

import org.osgi.annotation.versioning.ConsumerType;

/** Events of one torrent, called from the torrent's own thread: keep them short. */
@ConsumerType
public interface TorrentListener {

    /** The piece was verified and written durably (resume data included) in this session. */
    default void pieceVerified(int piece) {
    }

    /** The state changed (for example to {@link TorrentState#SEEDING} or {@link TorrentState#FAILED}). */
    default void stateChanged(TorrentState state, String reason) {
    }
}
