package org.veilswarm.transport.tor.testing;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A SOCKS5 server on 127.0.0.1 that answers every CONNECT with a fixed reply code (RFC 1928 §6, or tor's
 * extended codes) and, on success, writes {@code payload} in the same segment as the reply, as tor may
 * when the service speaks first. Records the host names it was asked for (so a test can check that the
 * onion name went to the proxy unresolved).
 */
public final class FakeSocksServer implements AutoCloseable {
    private final ServerSocket server;
    private final int replyCode;
    private final byte[] payload;
    private final CopyOnWriteArrayList<String> requestedHosts = new CopyOnWriteArrayList<>();
    private final Thread thread;

    public FakeSocksServer(int replyCode, byte[] payload) throws IOException {
        this.server = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        this.replyCode = replyCode;
        this.payload = payload.clone();
        this.thread = new Thread(this::serve, "fake-socks");
        thread.setDaemon(true);
        thread.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    public java.util.List<String> requestedHosts() {
        return java.util.List.copyOf(requestedHosts);
    }

    private void serve() {
        while (!server.isClosed()) {
            try (Socket socket = server.accept()) {
                DataInputStream in = new DataInputStream(socket.getInputStream());
                OutputStream out = socket.getOutputStream();
                int version = in.readUnsignedByte();
                int methods = in.readUnsignedByte();
                in.readFully(new byte[methods]);
                if (version != 5) {
                    continue;
                }
                out.write(new byte[] {5, 0}); // no authentication
                out.flush();
                in.readUnsignedByte(); // VER
                in.readUnsignedByte(); // CMD
                in.readUnsignedByte(); // RSV
                int type = in.readUnsignedByte();
                if (type == 3) {
                    byte[] name = new byte[in.readUnsignedByte()];
                    in.readFully(name);
                    requestedHosts.add(new String(name, StandardCharsets.US_ASCII));
                } else {
                    in.readFully(new byte[type == 1 ? 4 : 16]);
                    requestedHosts.add("<address type " + type + ">");
                }
                in.readUnsignedShort();
                byte[] reply = {5, (byte) replyCode, 0, 1, 0, 0, 0, 0, 0, 0};
                byte[] all = new byte[reply.length + (replyCode == 0 ? payload.length : 0)];
                System.arraycopy(reply, 0, all, 0, reply.length);
                if (replyCode == 0) {
                    System.arraycopy(payload, 0, all, reply.length, payload.length);
                }
                out.write(all);
                out.flush();
                // Keep the stream open until the client hangs up.
                while (in.read() >= 0) {
                    // discard
                }
            } catch (IOException e) {
                // next
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
