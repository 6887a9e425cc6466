package org.veilswarm.transport.tor.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veilswarm.api.transport.TransportException;
import org.veilswarm.api.transport.TransportException.Reason;
import org.veilswarm.transport.tor.monitor.TorState.Phase;

/**
 * A tor configuration lying in the deploy directory while the component runs without one is waited for: the
 * component's check, and the engine that waits instead of launching a tor with the defaults.
 */
class PendingDeployedConfigurationTest {
    private static final String PID = TorTransportComponent.PID;

    @TempDir
    Path dir;

    @Test
    void aDeployedFileForThePidIsPendingWhileTheComponentHasNoConfiguration() throws Exception {
        Map<String, Object> unconfigured = Map.of("component.name", PID, "component.id", 7L);
        assertEquals(Optional.empty(), PendingDeployedConfiguration.find(PID, unconfigured, dir.toString()),
                "an empty deploy directory");
        Files.writeString(dir.resolve("org.veilswarm.transport.tor.other.cfg"), "mode=owned\n");
        assertEquals(Optional.empty(), PendingDeployedConfiguration.find(PID, unconfigured, dir.toString()),
                "another PID's file");
        Path config = Files.writeString(dir.resolve(PID + ".config"), "mode=\"owned\"\n");
        assertEquals(Optional.of(config), PendingDeployedConfiguration.find(PID, unconfigured, dir.toString()));
        Files.delete(config);
        Path cfg = Files.writeString(dir.resolve(PID + ".cfg"), "mode=owned\n");
        assertEquals(Optional.of(cfg), PendingDeployedConfiguration.find(PID, unconfigured, dir.toString()));

        Map<String, Object> configured = Map.of("component.name", PID, "service.pid", PID);
        assertEquals(Optional.empty(), PendingDeployedConfiguration.find(PID, configured, dir.toString()),
                "applied: the component has it");
        assertEquals(Optional.empty(), PendingDeployedConfiguration.find(PID, unconfigured, null), "no FileInstall");
        assertEquals(Optional.empty(), PendingDeployedConfiguration.find(PID, unconfigured, " "), "no FileInstall");
    }

    /**
     * The waiting engine launches nothing — its executable here is a script that would leave a mark — says why in
     * its monitor, and a call made meanwhile fails as closed once the engine is replaced (closed).
     */
    @Test
    void theWaitingEngineLaunchesNoTorAndSaysWhy() throws Exception {
        Path mark = dir.resolve("tor-was-launched");
        Path fakeTor = dir.resolve("tor");
        Files.writeString(fakeTor, "#!/bin/sh\ntouch '" + mark + "'\nexit 1\n");
        assertTrue(fakeTor.toFile().setExecutable(true));
        Path deployed = Files.writeString(dir.resolve(PID + ".config"), "mode=\"owned\"\n");
        TorTransportSettings settings = TorTransportSettings.owned(dir.resolve("data")).withExecutable(fakeTor);
        java.util.concurrent.CompletableFuture<io.netty.channel.Channel> call;
        try (TorTransportEngine engine = new TorTransportEngine(settings).awaitConfiguration(deployed)) {
            assertEquals(Phase.STARTING, engine.monitor().state().phase());
            assertTrue(engine.monitor().state().detail().contains(deployed.toString())
                    && engine.monitor().state().detail().contains("no tor is launched"), engine.monitor().state().detail());
            call = engine.connect(org.veilswarm.api.transport.TransportAddress.parse(
                    "p53lf57qovyuvwsc6xnrppyply3vtqm7l6pcobkmyqsiofyeznfu5uqd.onion:80"),
                    new io.netty.channel.ChannelInitializer<>() {
                        @Override
                        protected void initChannel(io.netty.channel.Channel ch) {
                        }
                    });
            assertTrue(engine.torProcess().isEmpty(), "no tor process");
        }
        java.util.concurrent.ExecutionException failed = org.junit.jupiter.api.Assertions.assertThrows(
                java.util.concurrent.ExecutionException.class, () -> call.get(10, TimeUnit.SECONDS));
        TransportException cause = (TransportException) failed.getCause();
        assertEquals(Reason.CLOSED, cause.reason(), cause.getMessage());
        assertTrue(!Files.exists(mark), "the waiting engine ran the tor executable");
    }
}
