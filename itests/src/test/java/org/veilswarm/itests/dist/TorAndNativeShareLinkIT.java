package org.veilswarm.itests.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.veilswarm.itests.support.CliRun;
import org.veilswarm.itests.support.Distribution;
import org.veilswarm.itests.support.Ports;
import org.veilswarm.itests.support.TorNetworkNode;
import org.veilswarm.transport.tor.testing.PrivateTorNetwork;
import org.veilswarm.transport.tor.testing.RealTor;

/**
 * Issue 9's "the same node address is published on the native and the tor transport (same key), and a share link
 * works over either", with real processes and one link fetched over each transport from the same owner:
 * <ul>
 * <li>a native Veilswarm network: {@code veilswarm testnet --nodes 6 --authorities 3} (directory authorities,
 * every node a relay, docs/testnet.md), and a private C tor network (3 authorities, 7 relays, Debian {@code tor}),
 * both on 127.0.0.1 only;</li>
 * <li>owner A ({@code veilswarm run}): the native onion transport configured for the testnet's directory (its
 * {@code --config} file is a testnet node's, A being no relay) AND the tor transport configured for the private tor
 * network (seeded Configuration Admin store): its tracker is served at {@code <A's identity address>.onion:port} on
 * both;</li>
 * <li>{@code veilswarm share FILE --yes} on A prints one link; node B (tor transport only, its own process) and node
 * C (a testnet node: native onion transport only) each run {@code veilswarm get LINK}: the same bytes (SHA-256)
 * over tor and over native onion services.</li>
 * </ul>
 * Prints the like-for-like figures of docs/performance.md ("Share download over the tor transport", TOR-NATIVE
 * lines): the same 8 MiB file, the same command, tor then native, in the same run.
 */
class TorAndNativeShareLinkIT {
    private static final int NODES = 6;
    private static final int AUTHORITIES = 3;
    private static final int FILE_BYTES = 8 * 1024 * 1024;
    private static final Pattern ONION_LINK = Pattern.compile(
            "http://([a-z2-7]{56}\\.onion):(\\d+)/private/[A-Za-z0-9_-]+");
    private static final Pattern TESTNET_ROW = Pattern.compile(
            "(node-\\d+)\\s+(authority\\+relay|relay)\\s+([a-z2-7]{56}\\.onion)\\s+http://\\S+");
    private static final Duration TESTNET_TIMEOUT = Duration.ofSeconds(300);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(180);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(240);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(240);
    private static final String TRACKER_ON_NATIVE = "tracker: serving on onion at ";

    private final List<TorNetworkNode> nodes = new ArrayList<>();
    private final List<String> testnetOutput = new CopyOnWriteArrayList<>();
    private PrivateTorNetwork network;
    private Process supervisor;
    private Path testnet;

    @AfterEach
    void stopEverything() throws InterruptedException {
        for (TorNetworkNode n : nodes) {
            n.close();
        }
        if (supervisor != null && supervisor.isAlive()) {
            supervisor.destroy(); // its hook stops the testnet's nodes; they also follow it (--exit-with)
            if (!supervisor.waitFor(60, TimeUnit.SECONDS)) {
                supervisor.destroyForcibly();
            }
        }
        if (network != null) {
            network.close();
        }
    }

    @Test
    void oneLinkOfANodeOnBothTransportsIsDownloadedOverTorAndOverNativeOnionServices() throws Exception {
        Path tor = RealTor.executable(); // fails with the install hint when the Debian package is missing
        Path veilswarm = Distribution.home().resolve("bin/veilswarm");
        Path work = Distribution.freshDirectory("tor-and-native");
        testnet = work.resolve("testnet");
        Path file = work.resolve("footage.bin");
        byte[] bytes = new byte[FILE_BYTES];
        new Random(99).nextBytes(bytes);
        Files.write(file, bytes);

        // One network after the other: ten tors starting while six JVMs start too overran tor's 30 s to answer its
        // control port on a loaded machine.
        long t0 = System.nanoTime();
        network = PrivateTorNetwork.start(work.resolve("tor-net"), 3, 7, Duration.ofSeconds(150));
        startTestnet(veilswarm, Ports.freePortRange(NODES * 10));
        awaitTestnetLine("Data: ", TESTNET_TIMEOUT);
        long networksReady = System.nanoTime();
        List<String[]> rows = testnetOutput.stream().map(l -> TESTNET_ROW.matcher(l.strip())).filter(Matcher::matches)
                .map(m -> new String[] {m.group(1), m.group(3)}).toList();
        assertEquals(NODES, rows.size(), "one row per testnet node:\n" + String.join("\n", testnetOutput));

        // A: a relay's configuration of the testnet (directory authorities, loopback), as a client with its own ORPort.
        String relayConfig = Files.readString(testnet.resolve("node-" + NODES + "/testnet-config.json"));
        String config = relayConfig.replaceFirst("\"orPort\"\\s*:\\s*\\d+", "\"orPort\": " + Ports.freeLoopbackPort())
                .replaceFirst("\"relay\"\\s*:\\s*true", "\"relay\": false");
        assertTrue(config.contains("\"relay\": false") && config.contains("authorities"), config);
        Path configFile = work.resolve("node-a-config.json");
        Files.writeString(configFile, config);
        TorNetworkNode a = start(veilswarm, work, "node-a",
                "core,console,transport-onion,directory-consensus,tracker,share,transport-tor", tor,
                "--config", configFile.toString());
        TorNetworkNode b = start(veilswarm, work, "node-b", "core,console,tracker,share,transport-tor", tor);
        a.awaitConsole(START_TIMEOUT);
        b.awaitConsole(START_TIMEOUT);
        a.awaitLine(TorNetworkNode.TRACKER_ON_TOR, READY_TIMEOUT);
        a.awaitLine(TRACKER_ON_NATIVE, READY_TIMEOUT);
        b.awaitLine(TorNetworkNode.TRACKER_ON_TOR, READY_TIMEOUT);
        assertTrue(a.log().contains(TorNetworkNode.TRACKER_ON_TOR + a.address() + ":" + a.trackerPort())
                        && a.log().contains(TRACKER_ON_NATIVE + a.address() + ":" + a.trackerPort()),
                "A's tracker is served at A's identity address on both transports:\n" + a.log());

        CliRun share = cli(veilswarm, "share", file.toString(), "--yes", "--data", a.data().toString());
        assertEquals(0, share.exit(), share.output() + "\n--- node A ---\n" + a.log());
        String link = share.output().strip().lines().reduce((x, y) -> y).orElse("");
        Matcher onion = ONION_LINK.matcher(link);
        assertTrue(onion.matches(), "the last line of veilswarm share is no onion link:\n" + share.output());
        assertEquals(a.address(), onion.group(1), "the link names node A's own onion address (its identity key)");
        assertEquals(a.trackerPort(), Integer.parseInt(onion.group(2)), "the link names A's tracker port");

        // Over tor: B has no other transport.
        Path overTor = work.resolve("over-tor");
        long torStart = System.nanoTime();
        CliRun torGet = cli(veilswarm, "get", link, "--dir", overTor.toString(), "--data", b.data().toString());
        double torSeconds = (System.nanoTime() - torStart) / 1e9;
        assertEquals(0, torGet.exit(), torGet.output() + "\n--- node A ---\n" + a.log() + "\n--- node B ---\n" + b.log());
        assertEquals(TorNetworkNode.sha256(bytes), TorNetworkNode.sha256(Files.readAllBytes(overTor.resolve("footage.bin"))),
                "the file B downloaded over tor");

        // Over native onion services: C is a testnet node, whose only transport is the native one.
        Path nodeC = testnet.resolve("node-2");
        Path overNative = work.resolve("over-native");
        long nativeStart = System.nanoTime();
        CliRun nativeGet = cli(veilswarm, "get", link, "--dir", overNative.toString(), "--data", nodeC.toString());
        double nativeSeconds = (System.nanoTime() - nativeStart) / 1e9;
        assertEquals(0, nativeGet.exit(), nativeGet.output() + "\n--- node A ---\n" + a.log() + "\n--- node C ---\n"
                + tail(nodeC.resolve("logs/node.log")));
        assertEquals(TorNetworkNode.sha256(bytes),
                TorNetworkNode.sha256(Files.readAllBytes(overNative.resolve("footage.bin"))),
                "the file C downloaded over native onion services");

        List<ProcessHandle> torsOfA = a.tors();
        assertEquals(1, torsOfA.size(), "A owns one tor: " + torsOfA);
        b.stopCleanly(); // SIGTERM; no error logged; its tor ends with it
        a.stopAndReap();
        double mib = FILE_BYTES / 1048576.0;
        System.out.printf(Locale.ROOT, "TOR-NATIVE one owner on both transports, one link, veilswarm get of %d MiB"
                + " (CLI start to exit: snapshot, announce, BEP 9 metadata, pieces): over tor (private network,"
                + " 3 authorities + 7 relays) %.1f s = %.2f MiB/s; over native onion services (testnet, %d nodes)"
                + " %.1f s = %.2f MiB/s; networks ready %.1f s, whole test %.1f s%n", FILE_BYTES >> 20, torSeconds,
                mib / torSeconds, NODES, nativeSeconds, mib / nativeSeconds, (networksReady - t0) / 1e9,
                (System.nanoTime() - t0) / 1e9);
    }

    private TorNetworkNode start(Path veilswarm, Path work, String name, String features, Path tor,
            String... extra) throws IOException {
        TorNetworkNode node = TorNetworkNode.start(veilswarm, work, name, features, network, tor, extra);
        nodes.add(node);
        return node;
    }

    private void startTestnet(Path veilswarm, int basePort) throws IOException {
        supervisor = new ProcessBuilder(veilswarm.toString(), "testnet", "--nodes", Integer.toString(NODES),
                "--authorities", Integer.toString(AUTHORITIES), "--dir", testnet.toString(), "--base-port",
                Integer.toString(basePort), "--timeout", Long.toString(TESTNET_TIMEOUT.toSeconds() - 20))
                .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        Process p = supervisor;
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    testnetOutput.add(line);
                }
            } catch (IOException e) {
                testnetOutput.add("(reading the supervisor's output failed: " + e + ")");
            }
        }, "testnet-output");
        reader.setDaemon(true);
        reader.start();
    }

    private void awaitTestnetLine(String prefix, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<String> line = testnetOutput.stream().filter(l -> l.startsWith(prefix)).findFirst();
            if (line.isPresent()) {
                return;
            }
            if (!supervisor.isAlive()) {
                fail("the testnet supervisor exited with " + supervisor.exitValue() + ":\n"
                        + String.join("\n", testnetOutput));
            }
            Thread.sleep(200);
        }
        fail("the testnet printed no '" + prefix + "' line within " + timeout.toSeconds() + " s:\n"
                + String.join("\n", testnetOutput));
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private static CliRun cli(Path veilswarm, String... args) throws IOException, InterruptedException {
        return CliRun.run(COMMAND_TIMEOUT, veilswarm, args);
    }
}
