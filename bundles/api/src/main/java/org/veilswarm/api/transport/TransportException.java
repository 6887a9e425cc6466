package org.veilswarm.api.transport;

import java.io.IOException;
import java.util.Objects;

/** Why a transport operation failed, in terms the caller can act on (retry, try another peer, give up). */
public class TransportException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The kind of failure. */
    public enum Reason {
        /** The transport cannot reach this kind of address at all (for example direct to an onion name). */
        UNSUPPORTED_ADDRESS,
        /** The destination exists but refused the stream. */
        REFUSED,
        /** The destination could not be found (no route, no onion service descriptor). */
        NOT_FOUND,
        /** Nothing answered in time. */
        TIMEOUT,
        /** The other side broke the protocol. */
        PROTOCOL,
        /** A limit was reached (circuits, streams, memory); retrying later may work. */
        RESOURCE_LIMIT,
        /** The local address or port to listen on is unavailable (in use, or not an address of this host). */
        LOCAL_UNAVAILABLE,
        /**
         * The transport cannot do what the options of a listen or connect ask (for example onion service client
         * authorization on a transport without it). Since 1.3.
         */
        UNSUPPORTED_OPTION,
        /** The transport or the listener is closed. */
        CLOSED,
        /** Anything else; the message says what. */
        OTHER
    }

    private final Reason reason;

    public TransportException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public TransportException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** Why the operation failed. */
    public Reason reason() {
        return reason;
    }
}
