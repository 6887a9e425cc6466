package org.veilswarm.transport.direct.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;

import org.junit.jupiter.api.Test;
import org.veilswarm.api.transport.TransportException;
import org.veilswarm.api.transport.TransportException.Reason;

import io.netty.channel.ConnectTimeoutException;

/**
 * The failures that cannot be provoked on loopback without leaving it (unknown names, unreachable
 * networks), mapped from the exceptions the JDK raises for them; refused and timed-out connects are also
 * tested for real in {@link DirectTransportEngineTest}.
 */
class ConnectFailuresTest {
    private static final String TARGET = "peer.example:6881";

    @Test
    void unknownHostIsNotFound() {
        TransportException e = ConnectFailures.connectFailed(TARGET,
                new UnknownHostException("peer.example: Name or service not known"), 1000);
        assertEquals(Reason.NOT_FOUND, e.reason());
        assertTrue(e.getMessage().contains(TARGET), e.getMessage());
    }

    @Test
    void unreachableHostOrNetworkIsNotFound() {
        assertEquals(Reason.NOT_FOUND, ConnectFailures.connectFailed(TARGET,
                new NoRouteToHostException("No route to host"), 1000).reason());
        assertEquals(Reason.NOT_FOUND, ConnectFailures.connectFailed(TARGET,
                new SocketException("Network is unreachable"), 1000).reason());
    }

    @Test
    void timeoutsAreTimeoutEvenThoughTheyAreConnectExceptions() {
        TransportException netty = ConnectFailures.connectFailed(TARGET,
                new ConnectTimeoutException("connection timed out after 1000 ms"), 1000);
        assertEquals(Reason.TIMEOUT, netty.reason());
        assertTrue(netty.getMessage().contains("1000 ms"), netty.getMessage());
        assertEquals(Reason.TIMEOUT, ConnectFailures.connectFailed(TARGET,
                new ConnectException("Connection timed out"), 1000).reason(), "kernel ETIMEDOUT");
        assertEquals(Reason.REFUSED, ConnectFailures.connectFailed(TARGET,
                new ConnectException("Connection refused"), 1000).reason());
    }

    @Test
    void unwrapsCompletionExceptionsAndKeepsTransportExceptions() {
        TransportException original = new TransportException(Reason.PROTOCOL, "x");
        assertSame(original, ConnectFailures.connectFailed(TARGET, new CompletionException(original), 1));
        assertEquals(Reason.CLOSED, ConnectFailures.connectFailed(TARGET,
                new CompletionException(new RejectedExecutionException("terminated")), 1).reason());
    }

    @Test
    void bindFailuresSayWhatToCheck() {
        assertTrue(ConnectFailures.bindFailed("192.0.2.1:6881", new BindException("Cannot assign requested address"))
                .getMessage().contains("bindAddress"));
        assertTrue(ConnectFailures.bindFailed("127.0.0.1:80", new BindException("Permission denied"))
                .getMessage().contains("1024"));
    }
}
