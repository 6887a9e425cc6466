package org.veilswarm.transport.tor.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veilswarm.transport.tor.control.TorControlClient;
import org.veilswarm.transport.tor.control.TorControlException;
import org.veilswarm.transport.tor.testing.RealTor;

/** Launching, owning and stopping a real tor (DisableNetwork 1, control port on 127.0.0.1). One tor at a time. */
class TorProcessTest {
    @TempDir
    Path dir;

    @Test
    void startsOwnedWithPrivateFilesAndStopsCleanly() throws Exception {
        Path data = dir.resolve("tor");
        TorProcess tor = RealTor.offline(data).start();
        try {
            assertTrue(tor.isAlive());
            assertTrue(tor.controlPort() > 0);
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data)));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("torrc"))));
            assertEquals(List.of(), tor.control().getConf("__OwningControllerProcess"),
                    "after TAKEOWNERSHIP the connection, not the JVM's pid, owns tor");
            assertEquals(List.of("1"), tor.control().getConf("DisableNetwork"));
            assertEquals("0", tor.control().getConf("SocksPort").get(0));
            // A second controller can connect next to the owner.
            try (TorControlClient other = TorControlClient.connect(tor.controlPort())) {
                other.authenticate();
                assertFalse(other.getInfo("version").isEmpty());
            }
        } finally {
            assertEquals(0, tor.stop());
        }
        assertFalse(tor.isAlive());
    }

    @Test
    void torExitsWhenTheOwningConnectionCloses() throws Exception {
        TorProcess tor = RealTor.offline(dir.resolve("tor")).start();
        try {
            tor.control().close();
            assertTrue(tor.process().waitFor(30, TimeUnit.SECONDS), "tor outlived its owning control connection");
        } finally {
            tor.stop();
        }
    }

    @Test
    void bootstrapWaitWithTheNetworkDisabledTimesOutNamingThePhase() throws Exception {
        try (TorProcess tor = RealTor.offline(dir.resolve("tor")).start()) {
            TorControlException e = assertThrows(TorControlException.class, () -> tor.awaitBootstrap(Duration.ofMillis(600)));
            assertTrue(e.getMessage().contains("% ("), e.getMessage());
        }
    }

    @Test
    void aBadOptionMakesStartFailWithTorsOwnMessage() {
        IOException e = assertThrows(IOException.class,
                () -> RealTor.offline(dir.resolve("tor")).option("NoSuchOption", "1").startTimeout(Duration.ofSeconds(30)).start());
        assertTrue(e.getMessage().contains("NoSuchOption"), e.getMessage());
    }

    @Test
    void missingExecutableSaysHowToInstall() {
        IOException e = assertThrows(IOException.class,
                () -> TorProcess.builder(dir.resolve("tor")).executable(dir.resolve("no-tor-here")).start());
        assertTrue(e.getMessage().contains("no-tor-here"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TorProcess.builder(dir).option("ControlPort", "9051"));
        assertThrows(IllegalArgumentException.class, () -> TorProcess.builder(dir.resolve("a#b")));
        assertThrows(IllegalArgumentException.class, () -> TorProcess.builder(dir).option("Log", "notice stdout\nControlPort 1"));
    }
}
