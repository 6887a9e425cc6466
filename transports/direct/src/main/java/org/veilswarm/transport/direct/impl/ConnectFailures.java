package org.veilswarm.transport.direct.impl;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;

import org.veilswarm.api.transport.TransportException;
import org.veilswarm.api.transport.TransportException.Reason;

import io.netty.channel.ConnectTimeoutException;

/**
 * Turns the JDK's and Netty's socket exceptions into {@link TransportException}s with a reason the
 * caller can act on and a message that names the address.
 *
 * <p>The JDK reports {@code connect(2)} errors by exception class where it can ({@code ECONNREFUSED} →
 * {@link ConnectException}, {@code EHOSTUNREACH} → {@link NoRouteToHostException}) and otherwise only by
 * the {@code strerror} text, so a few cases are told apart by message ({@code ETIMEDOUT} is also a
 * {@code ConnectException}; {@code ENETUNREACH} is a plain {@link SocketException}).
 */
final class ConnectFailures {

    private ConnectFailures() {
    }

    /** The transport is closed (deactivated) or closing. */
    static TransportException closed() {
        return new TransportException(Reason.CLOSED, "the direct transport is closed");
    }

    /**
     * Why connecting to {@code target} failed.
     *
     * @param target {@code host:port} as the caller asked for it
     * @param timeoutMillis the connect timeout in force, for the message
     */
    static TransportException connectFailed(String target, Throwable failure, long timeoutMillis) {
        Throwable cause = unwrap(failure);
        if (cause instanceof TransportException te) {
            return te;
        }
        String detail = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        String lower = detail.toLowerCase(Locale.ROOT);
        // ConnectTimeoutException extends ConnectException: test it first.
        if (cause instanceof ConnectTimeoutException) {
            return new TransportException(Reason.TIMEOUT,
                    "no answer from " + target + " within " + timeoutMillis + " ms", cause);
        }
        if (cause instanceof UnknownHostException) {
            return new TransportException(Reason.NOT_FOUND, "unknown host in " + target + ": " + detail, cause);
        }
        if (cause instanceof NoRouteToHostException || lower.contains("unreachable")) {
            return new TransportException(Reason.NOT_FOUND, "no route to " + target + ": " + detail, cause);
        }
        if (cause instanceof ConnectException) {
            if (lower.contains("timed out")) {
                return new TransportException(Reason.TIMEOUT, "connecting to " + target + " timed out", cause);
            }
            return new TransportException(Reason.REFUSED, "connection to " + target + " refused", cause);
        }
        if (cause instanceof RejectedExecutionException || cause instanceof ClosedChannelException) {
            return new TransportException(Reason.CLOSED,
                    "connecting to " + target + " failed: the direct transport is closing", cause);
        }
        return new TransportException(Reason.OTHER, "connecting to " + target + " failed: " + detail, cause);
    }

    /** Why binding a listener to {@code local} failed. */
    static TransportException bindFailed(String local, Throwable failure) {
        Throwable cause = unwrap(failure);
        String detail = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        String lower = detail.toLowerCase(Locale.ROOT);
        if (cause instanceof RejectedExecutionException || cause instanceof ClosedChannelException) {
            return new TransportException(Reason.CLOSED,
                    "cannot listen on " + local + ": the direct transport is closing", cause);
        }
        if (isBindError(cause) && lower.contains("in use")) {
            return new TransportException(Reason.LOCAL_UNAVAILABLE, "cannot listen on " + local
                    + ": the port is already in use (another listener or program holds it)", cause);
        }
        if (isBindError(cause) && lower.contains("assign")) {
            return new TransportException(Reason.LOCAL_UNAVAILABLE, "cannot listen on " + local
                    + ": this host has no such address (check bindAddress)", cause);
        }
        if (isBindError(cause) && lower.contains("permission")) {
            return new TransportException(Reason.LOCAL_UNAVAILABLE, "cannot listen on " + local
                    + ": permission denied (ports below 1024 need privileges)", cause);
        }
        return new TransportException(Reason.OTHER, "cannot listen on " + local + ": " + detail, cause);
    }

    /** The JDK's {@link BindException}, or Netty epoll's native I/O exception for {@code bind(2)} (same text). */
    private static boolean isBindError(Throwable cause) {
        return cause instanceof BindException || cause instanceof IOException;
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
