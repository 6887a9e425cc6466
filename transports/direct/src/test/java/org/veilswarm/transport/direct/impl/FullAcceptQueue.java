package org.veilswarm.transport.direct.impl;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

/**
 * A loopback TCP port that accepts SYNs no more: a server socket with backlog 1 that never calls
 * {@code accept()}, filled up with connections. Once its accept queue is full, Linux drops further SYNs
 * (unless {@code net.ipv4.tcp_abort_on_overflow} is set), so a new connect hangs until its timeout —
 * a timeout test that sends nothing beyond 127.0.0.1.
 */
final class FullAcceptQueue implements AutoCloseable {
    private static final int PROBE_TIMEOUT_MILLIS = 300;
    private static final int MAX_FILLERS = 64;

    private final ServerSocket server;
    private final List<Socket> fillers = new ArrayList<>();
    private final boolean full;

    FullAcceptQueue() throws IOException {
        server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        boolean sawTimeout = false;
        while (!sawTimeout && fillers.size() < MAX_FILLERS) {
            Socket s = new Socket();
            try {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()),
                        PROBE_TIMEOUT_MILLIS);
                fillers.add(s);
            } catch (SocketTimeoutException e) {
                s.close();
                sawTimeout = true;
            }
        }
        full = sawTimeout;
    }

    /** Whether a connect really hung: the kernel's queue behaves as described above. */
    boolean isFull() {
        return full;
    }

    int port() {
        return server.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        for (Socket s : fillers) {
            s.close();
        }
        server.close();
    }
}
