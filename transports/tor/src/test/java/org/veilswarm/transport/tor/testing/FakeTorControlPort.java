package org.veilswarm.transport.tor.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for tor's control port on 127.0.0.1 that replays recorded answers: for each command line the
 * first scripted prefix that matches gives the bytes to send back (CRLFs included, exactly as tor wrote
 * them). {@link #closeAfter} hangs up after a given command; a command without a script gets no answer
 * (a tor that hangs). One connection at a time; {@link #close()} stops it.
 */
public final class FakeTorControlPort implements AutoCloseable {
    private final ServerSocket server;
    private final Map<String, byte[]> script = new LinkedHashMap<>();
    private final CopyOnWriteArrayList<String> received = new CopyOnWriteArrayList<>();
    private final CopyOnWriteArrayList<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile byte[] greeting = new byte[0];
    private volatile String closeAfter;
    private final Thread thread;

    public FakeTorControlPort() throws IOException {
        server = new ServerSocket(0, 4, InetAddress.getLoopbackAddress());
        thread = new Thread(this::serve, "fake-tor-control");
        thread.setDaemon(true);
    }

    /** A healthy, bootstrapped tor without authentication whose SOCKS port is {@code socksPort}. */
    public static FakeTorControlPort bootstrapped(int socksPort) throws IOException {
        return new FakeTorControlPort()
                .answer("PROTOCOLINFO", "250-PROTOCOLINFO 1\r\n250-AUTH METHODS=NULL\r\n250-VERSION Tor=\"0.4.9.11\"\r\n250 OK\r\n")
                .answer("AUTHENTICATE", "250 OK\r\n")
                .answer("SETEVENTS", "250 OK\r\n")
                .answer("GETCONF CountPrivateBandwidth", "250 CountPrivateBandwidth=0\r\n")
                .answer("GETINFO status/bootstrap-phase",
                        "250-status/bootstrap-phase=NOTICE BOOTSTRAP PROGRESS=100 TAG=done SUMMARY=\"Done\"\r\n250 OK\r\n")
                .answer("GETINFO net/listeners/socks", "250-net/listeners/socks=\"127.0.0.1:" + socksPort + "\"\r\n250 OK\r\n");
    }

    public FakeTorControlPort answer(String commandPrefix, String reply) {
        script.put(commandPrefix, reply.getBytes(StandardCharsets.ISO_8859_1));
        return this;
    }

    /** Bytes sent as soon as a client connects, before any command (e.g. garbage from a wrong service). */
    public FakeTorControlPort greeting(byte[] bytes) {
        greeting = bytes.clone();
        return this;
    }

    /** Hang up right after answering the first command starting with {@code commandPrefix}. */
    public FakeTorControlPort closeAfter(String commandPrefix) {
        closeAfter = commandPrefix;
        return this;
    }

    public FakeTorControlPort start() {
        thread.start();
        return this;
    }

    public int port() {
        return server.getLocalPort();
    }

    public java.util.List<String> received() {
        return java.util.List.copyOf(received);
    }

    /** Closes the current connection from the server side, as a tor that exits. */
    public void dropConnections() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
    }

    private void serve() {
        while (!server.isClosed()) {
            try (Socket socket = server.accept()) {
                sockets.add(socket);
                OutputStream out = socket.getOutputStream();
                out.write(greeting);
                out.flush();
                BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
                String line;
                boolean hangUp = false;
                while (!hangUp && (line = in.readLine()) != null) {
                    received.add(line);
                    for (Map.Entry<String, byte[]> entry : script.entrySet()) {
                        if (line.startsWith(entry.getKey())) {
                            out.write(entry.getValue());
                            out.flush();
                            break;
                        }
                    }
                    hangUp = closeAfter != null && line.startsWith(closeAfter);
                }
            } catch (IOException e) {
                // client went away or we were closed
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        dropConnections();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
