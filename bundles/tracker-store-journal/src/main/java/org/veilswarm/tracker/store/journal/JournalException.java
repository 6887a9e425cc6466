package org.veilswarm.tracker.store.journal;

/**
 * The journal cannot be read or written: a file that is not a journal or is damaged before its end (the message
 * names the file and the offset, and the file is left as it is), a write that failed, or a store that is closed.
 * Deliberately not an {@link IllegalStateException}: the tracker passes those to clients as the store's refusal,
 * and answers any other failure of its store with 503 "announce again later".
 */
public class JournalException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public JournalException(String message) {
        super(message);
    }

    public JournalException(String message, Throwable cause) {
        super(message, cause);
    }
}
