package org.veilswarm.transport.tor.control;

/** The control connection closed (tor exited, or it or we hung up) before a command was answered. */
public class ControlConnectionClosedException extends TorControlException {
    private static final long serialVersionUID = 1L;

    public ControlConnectionClosedException(String message, Throwable cause) {
        super(message, cause);
    }
}
