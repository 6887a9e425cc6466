package org.veilswarm.metainfo;

/** Lets another thread stop a long operation such as {@link TorrentCreator#create()}. */
public final class CancelToken {

    private volatile boolean cancelled;

    public void cancel() {
        cancelled = true;
    }

    public boolean isCancelled() {
        return cancelled;
    }
}
