package org.veilswarm.transport.onion.hs;

/** An HSDir answered a publish or fetch with something other than 200; {@link #status()} is the HTTP status. */
public final class HsDirException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int status;

    public HsDirException(int status, String message) {
        super(message);
        this.status = status;
    }

    /** 404: the HSDir has no descriptor for the blinded key. */
    public boolean notFound() {
        return status == 404;
    }

    public int status() {
        return status;
    }
}
