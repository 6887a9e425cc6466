package org.veilswarm.itests.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.veilswarm.transport.tor.testing.PrivateTorNetwork;
import org.veilswarm.transport.tor.testing.RealTor;

/**
 * What the distribution's share tests over C tor set up alike: the Debian {@code tor} (the test fails with the install
 * hint when it is missing, never skips), the unpacked distribution's {@code bin/veilswarm}, a fresh work directory,
 * a private tor network on 127.0.0.1 (3 authorities, 7 relays: REFERENCE.md §4) and the nodes started on it.
 * {@link #close()} kills what still runs: the nodes (their tors end with them), then the network.
 */
public final class PrivateTorBed implements AutoCloseable {
    private static final Duration NETWORK_TIMEOUT = Duration.ofSeconds(150);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(240);

    private final Path tor;
    private final Path home;
    private final Path work;
    private final List<TorNetworkNode> nodes = new ArrayList<>();
    private PrivateTorNetwork network;

    private PrivateTorBed(Path tor, Path home, Path work) {
        this.tor = tor;
        this.home = home;
        this.work = work;
    }

    /** Finds tor and the distribution and makes a fresh {@code work} directory named {@code name}. */
    public static PrivateTorBed prepare(String name) {
        Path tor = RealTor.executable(); // fails with the install hint when the Debian package is missing
        Path home = Distribution.home();
        return new PrivateTorBed(tor, home, Distribution.freshDirectory(name));
    }

    /** Writes {@code size} random bytes (from {@code seed}) to {@code name} in the work directory. */
    public byte[] writeRandomFile(String name, int size, long seed) throws IOException {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        Files.write(work.resolve(name), bytes);
        return bytes;
    }

    /** Starts the private tor network in {@code <work>/net} and waits (150 s at most) until it is usable. */
    public PrivateTorNetwork startNetwork() throws IOException {
        network = PrivateTorNetwork.start(work.resolve("net"), 3, 7, NETWORK_TIMEOUT);
        return network;
    }

    /**
     * Starts node {@code name} with {@code features}, its Configuration Admin store seeded with the tor transport's
     * configuration for the private network (see {@link TorNetworkNode#start}).
     */
    public TorNetworkNode start(String name, String features) throws IOException {
        return add(TorNetworkNode.start(veilswarm(), work, name, features, network, tor));
    }

    /** Has {@link #close()} stop a node the test started itself. */
    public TorNetworkNode add(TorNetworkNode node) {
        nodes.add(node);
        return node;
    }

    public List<TorNetworkNode> nodes() {
        return List.copyOf(nodes);
    }

    /** Runs {@code veilswarm args...}, failing the test after 240 s. */
    public CliRun cli(String... args) throws IOException, InterruptedException {
        return CliRun.run(COMMAND_TIMEOUT, veilswarm(), args);
    }

    public Path tor() {
        return tor;
    }

    /** The unpacked distribution. */
    public Path home() {
        return home;
    }

    public Path veilswarm() {
        return home.resolve("bin/veilswarm");
    }

    public Path work() {
        return work;
    }

    public PrivateTorNetwork network() {
        return network;
    }

    @Override
    public void close() throws InterruptedException {
        for (TorNetworkNode n : nodes) {
            n.close();
        }
        if (network != null) {
            network.close();
        }
    }
}
