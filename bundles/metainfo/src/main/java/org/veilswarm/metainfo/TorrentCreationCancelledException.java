package org.veilswarm.metainfo;

/** Torrent creation was stopped through its {@link CancelToken} (or an interrupt); nothing was written. */
public final class TorrentCreationCancelledException extends Exception {

    private static final long serialVersionUID = 1L;

    public TorrentCreationCancelledException(String message) {
        super(message);
    }
}
