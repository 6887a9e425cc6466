package org.veilswarm.launcher.internal;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;

import org.veilswarm.launcher.VeilswarmLaunchException;

/**
 * Checks, before the framework starts, that the console can bind its port: Jetty would only log
 * "Failed to bind" and leave a node without console (REFERENCE.md §1, pitfalls).
 */
public final class ConsolePortCheck {

    private ConsolePortCheck() {
    }

    /** @throws VeilswarmLaunchException naming the port and how to choose another if it is taken */
    public static void requireFree(String host, int port) {
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new VeilswarmLaunchException("Console host '" + host + "' is not a known address. Use an IP address"
                    + " such as 127.0.0.1 (console.host in etc/veilswarm.properties, --host, or consoleHost(String)).", e);
        }
        // Jetty binds with SO_REUSEADDR, so do the same: a port in TIME_WAIT is usable, a listening one is not.
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(address, port));
        } catch (BindException e) {
            throw new VeilswarmLaunchException("Console port " + port + " on " + host + " is already in use (another"
                    + " Veilswarm node, or another program: see `ss -ltnp 'sport = :" + port + "'`). Choose another"
                    + " port with `veilswarm run --port <N>`, the console.port key in etc/veilswarm.properties, or"
                    + " VeilswarmNode.Builder.consolePort(int).", e);
        } catch (IOException e) {
            throw new VeilswarmLaunchException("Cannot check console port " + port + " on " + host + ": " + e.getMessage(), e);
        }
    }
}
