package org.veilswarm.transport.tor.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veilswarm.transport.tor.process.TorProcess;
import org.veilswarm.transport.tor.testing.RealTor;

/** The torrc an owned relay gets is one tor itself accepts ({@code tor --verify-config}); nothing is started. */
class TorrcVerifiedByTorTest {
    @TempDir
    Path dir;

    @Test
    void relayTorrcPassesTorsOwnCheck() throws Exception {
        TorTransportSettings settings = TorTransportSettings.owned(dir.resolve("tor")).withRelay(0, 1_048_576, 2_097_152)
                .withExtraTorrcLines(List.of("Nickname veilswarmTest", "DisableNetwork 1"));
        TorProcess.Builder builder = TorProcess.builder(settings.dataDirectory());
        Torrc.options(settings).forEach(line -> builder.option(line.key(), line.value()));
        String torrc = builder.torrc();
        assertTrue(torrc.contains("ExitRelay 0\n") && torrc.contains("ExitPolicy reject *:*\n") && torrc.contains("ORPort auto\n"), torrc);
        Files.createDirectories(settings.dataDirectory());
        Path file = settings.dataDirectory().resolve("torrc");
        Files.writeString(file, torrc);
        Process tor = new ProcessBuilder(RealTor.executable().toString(), "--verify-config", "-f", file.toString())
                .redirectErrorStream(true).start();
        String output = new String(tor.getInputStream().readAllBytes());
        assertTrue(tor.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, tor.exitValue(), output);
        assertTrue(output.contains("Configuration was valid"), output);
    }
}
