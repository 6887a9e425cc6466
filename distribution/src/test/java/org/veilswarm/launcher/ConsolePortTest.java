package org.veilswarm.launcher;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A taken console port fails the start before any framework exists, naming the port and the way out. */
class ConsolePortTest {

    @TempDir
    Path data;

    @Test
    void takenPortFailsLoudlyWithThePortInTheMessage() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            VeilswarmNode node = TestNodes.builder(data).features("core", "console").consolePort(port).build();

            VeilswarmLaunchException e = assertThrows(VeilswarmLaunchException.class, node::start);
            assertTrue(e.getMessage().contains("Console port " + port + " on 127.0.0.1 is already in use"), e.getMessage());
            assertTrue(e.getMessage().contains("--port"), "says how to choose another: " + e.getMessage());
            assertFalse(node.isRunning());
            assertFalse(Files.exists(data.resolve("felix-cache")), "checked before the framework was created");
        }
    }

    @Test
    void portIsNotCheckedWithoutTheConsoleFeature() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            VeilswarmNode node = TestNodes.builder(data).features("core").consolePort(taken.getLocalPort()).build();
            node.start();
            try {
                assertTrue(node.isRunning());
            } finally {
                node.stop();
            }
        }
    }
}
