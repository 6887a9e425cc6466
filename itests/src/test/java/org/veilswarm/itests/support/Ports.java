package org.veilswarm.itests.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** Loopback ports for tests. */
public final class Ports {
    private Ports() {
    }

    /** Ports handed out by {@link #freeLoopbackPort} in this JVM: never handed out twice. */
    private static final java.util.Set<Integer> HANDED_OUT = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * A port free on 127.0.0.1 now, in 10000-19999: below Linux's ephemeral range (32768 and up), where the
     * kernel may give the port to any other process's outgoing connection or port-0 listener before the node
     * process started with it binds it, seconds later (other builds share the machine); below
     * {@link #freePortRange}'s ranges (20000 and up). Not one handed out before in this JVM.
     */
    public static int freeLoopbackPort() {
        java.util.Random random = new java.util.Random();
        for (int attempt = 0; attempt < 500; attempt++) {
            int port = 10_000 + random.nextInt(10_000);
            if (!HANDED_OUT.contains(port) && bindable("127.0.0.1", port) && HANDED_OUT.add(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free port in 10000-19999 on 127.0.0.1");
    }

    /** Whether something accepts TCP connections on {@code host:port}. */
    public static boolean accepts(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 2_000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether {@code host:port} can be bound right now, i.e. nobody holds it. */
    public static boolean bindable(String host, int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(host, port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * A base port with {@code count} consecutive ports free on 127.0.0.1 now, below Linux's ephemeral range
     * (32768 and up): there an outgoing connection of a node starting earlier could hold a port a later node
     * is about to listen on ({@code veilswarm testnet --base-port}).
     */
    public static int freePortRange(int count) {
        java.util.Random random = new java.util.Random();
        for (int attempt = 0; attempt < 200; attempt++) {
            int base = 20_000 + random.nextInt(120) * 100;
            boolean free = true;
            for (int p = base; p < base + count && free; p++) {
                free = bindable("127.0.0.1", p);
            }
            if (free) {
                return base;
            }
        }
        throw new IllegalStateException("no " + count + " consecutive free ports on 127.0.0.1");
    }
}
