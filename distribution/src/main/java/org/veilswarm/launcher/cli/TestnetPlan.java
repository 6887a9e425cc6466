package org.veilswarm.launcher.cli;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonWriter;
import jakarta.json.stream.JsonGenerator;

import org.veilswarm.launcher.internal.PrivateDirectory;

/**
 * The shape of a local test network (docs/testnet.md): N nodes on 127.0.0.1, the first A of them directory
 * authorities, every one of them a relay; which ports each uses; and the configuration each node gets through
 * {@code veilswarm run --config}. Written once into the testnet directory and read back by later runs and by
 * {@code veilswarm testnet stop}:
 * <pre>
 * &lt;dir&gt;/testnet.properties              this plan (nodes, authorities, scheme, base port)
 * &lt;dir&gt;/node-&lt;i&gt;/                        node i's data directory (keys/, config/, felix-cache/, logs/, console.url)
 * &lt;dir&gt;/node-&lt;i&gt;/testnet-config.json    its configurations (onion transport, directory scheme, authority)
 * &lt;dir&gt;/node-&lt;i&gt;/authority.ed25519      an authority's signing key (32-byte seed, 0600)
 * &lt;dir&gt;/node-&lt;i&gt;/deploy/                 its own hot-deployment directory
 * </pre>
 */
final class TestnetPlan {

    static final String PLAN_FILE = "testnet.properties";
    static final String CONFIG_FILE = "testnet-config.json";
    static final String AUTHORITY_KEY_FILE = "authority.ed25519";
    static final String SCHEMES = "consensus|merkle";
    /** Ports per node, from {@code basePort + 10 (i - 1)}: console, tracker, swarm, ORPort, directory authority. */
    static final int PORTS_PER_NODE = 10;
    static final int MAX_NODES = 64;

    static final String ONION_PID = "org.veilswarm.transport.onion";
    static final String AUTHORITY_PID = "org.veilswarm.directory.authority";
    static final String CONSENSUS_PID = "org.veilswarm.directory.consensus";
    static final String MERKLE_PID = "org.veilswarm.directory.merkle";

    /**
     * Directory timing: a consensus every {@value #VOTING_INTERVAL_SECONDS} s, valid three intervals (as tor's
     * consensus is), phases of {@value #PHASE_MILLIS} ms, so a testnet is ready within seconds; every flag
     * threshold zero or one, so a relay that answers its probe is a guard and an HSDir at once.
     */
    static final int VOTING_INTERVAL_SECONDS = 10;
    static final int VALIDITY_SECONDS = 3 * VOTING_INTERVAL_SECONDS;
    static final int PHASE_MILLIS = 2_000;

    /** One node: its directory, ports, and whether it is an authority (then {@code dirPort} serves the directory). */
    record Node(int index, Path directory, boolean authority, int consolePort, int trackerPort, int swarmPort,
            int orPort, int dirPort) {
        String name() {
            return "node-" + index;
        }

        Path configFile() {
            return directory.resolve(CONFIG_FILE);
        }

        Path authorityKeyFile() {
            return directory.resolve(AUTHORITY_KEY_FILE);
        }

        Path logFile() {
            return directory.resolve("logs").resolve("node.log");
        }

        Path pidFile() {
            return directory.resolve("node.pid");
        }
    }

    final Path directory;
    final int nodeCount;
    final int authorityCount;
    final int basePort;
    final String scheme;
    final List<Node> nodes;

    TestnetPlan(Path directory, int nodeCount, int authorityCount, int basePort, String scheme) throws CliException {
        if (nodeCount < 1 || nodeCount > MAX_NODES) {
            throw new CliException("--nodes must be 1 to " + MAX_NODES + ", not " + nodeCount, 2);
        }
        if (authorityCount < 1 || authorityCount > nodeCount) {
            throw new CliException("--authorities must be 1 to the number of nodes (" + nodeCount + "), not "
                    + authorityCount, 2);
        }
        if (basePort < 1024 || basePort + nodeCount * PORTS_PER_NODE > 65_535) {
            throw new CliException("--base-port must leave room for " + nodeCount * PORTS_PER_NODE
                    + " ports between 1024 and 65535, not " + basePort, 2);
        }
        if (!scheme.matches(SCHEMES)) {
            throw new CliException("--scheme must be consensus or merkle, not '" + scheme + "'", 2);
        }
        this.directory = directory;
        this.nodeCount = nodeCount;
        this.authorityCount = authorityCount;
        this.basePort = basePort;
        this.scheme = scheme;
        List<Node> list = new ArrayList<>();
        for (int i = 1; i <= nodeCount; i++) {
            int base = basePort + (i - 1) * PORTS_PER_NODE;
            list.add(new Node(i, directory.resolve("node-" + i), i <= authorityCount, base, base + 1, base + 2, base + 3,
                    base + 4));
        }
        this.nodes = List.copyOf(list);
    }

    List<Node> authorities() {
        return nodes.stream().filter(Node::authority).toList();
    }

    /** A strict majority of the authorities (directory-consensus.md §1): what a valid consensus needs. */
    int majority() {
        return authorityCount / 2 + 1;
    }

    /** The features node {@code n} runs: the common ones plus, on authorities, directory-authority. */
    List<String> features(Node n, List<String> common) {
        List<String> features = new ArrayList<>(common);
        if (n.authority() && !features.contains("directory-authority")) {
            features.add("directory-authority");
        }
        return features;
    }

    static List<String> defaultFeatures(String scheme) {
        return List.of("core", "console", "transport-onion", "directory-" + scheme, "tracker-journal", "share");
    }

    /** The plan a previous run wrote into {@code directory}, if any. */
    static java.util.Optional<TestnetPlan> read(Path directory) throws CliException {
        Path file = directory.resolve(PLAN_FILE);
        if (!Files.isRegularFile(file)) {
            return java.util.Optional.empty();
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
            return java.util.Optional.of(new TestnetPlan(directory, Integer.parseInt(p.getProperty("nodes")),
                    Integer.parseInt(p.getProperty("authorities")), Integer.parseInt(p.getProperty("base.port")),
                    p.getProperty("scheme")));
        } catch (IOException | RuntimeException e) {
            throw new CliException("Cannot read the testnet plan " + file + ": " + e.getMessage()
                    + " (delete the directory, or run with --reset)");
        }
    }

    boolean sameShapeAs(TestnetPlan other) {
        return nodeCount == other.nodeCount && authorityCount == other.authorityCount && basePort == other.basePort
                && scheme.equals(other.scheme);
    }

    /** Every port the plan uses that another process holds now on 127.0.0.1, with the node that wanted it. */
    List<String> busyPorts() {
        List<String> busy = new ArrayList<>();
        for (Node n : nodes) {
            Map<String, Integer> ports = new LinkedHashMap<>();
            ports.put("console", n.consolePort());
            ports.put("tracker", n.trackerPort());
            ports.put("swarm", n.swarmPort());
            ports.put("ORPort", n.orPort());
            if (n.authority()) {
                ports.put("directory", n.dirPort());
            }
            ports.forEach((what, port) -> {
                if (!bindable(port)) {
                    busy.add(port + " (" + n.name() + " " + what + ")");
                }
            });
        }
        return busy;
    }

    private static boolean bindable(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Creates the directories, the authorities' keys (kept when a previous run made them, so a restarted
     * testnet keeps its authorities) and every node's configuration file, then the plan file.
     */
    void write() throws IOException {
        PrivateDirectory.ensure(directory);
        List<String> authorityEntries = new ArrayList<>();
        for (Node a : authorities()) {
            PrivateDirectory.ensure(a.directory());
            byte[] publicKey = authorityKey(a);
            authorityEntries.add(Base64.getEncoder().encodeToString(publicKey) + "@127.0.0.1:" + a.dirPort());
        }
        for (Node n : nodes) {
            PrivateDirectory.ensure(n.directory());
            Files.createDirectories(n.directory().resolve("deploy"));
            Files.createDirectories(n.logFile().getParent());
            Files.writeString(n.configFile(), configuration(n, authorityEntries), StandardCharsets.UTF_8);
        }
        Properties p = new Properties();
        p.setProperty("nodes", Integer.toString(nodeCount));
        p.setProperty("authorities", Integer.toString(authorityCount));
        p.setProperty("base.port", Integer.toString(basePort));
        p.setProperty("scheme", scheme);
        try (Writer w = Files.newBufferedWriter(directory.resolve(PLAN_FILE), StandardCharsets.UTF_8)) {
            p.store(w, "veilswarm testnet (docs/testnet.md); node i uses ports base.port + 10 (i - 1) + 0..4");
        }
    }

    /** The authority's public key: from the key file a previous run wrote, else a new key written 0600. */
    private static byte[] authorityKey(Node a) throws IOException {
        Path file = a.authorityKeyFile();
        Path publicFile = a.directory().resolve(AUTHORITY_KEY_FILE + ".pub");
        if (Files.isRegularFile(file) && Files.isRegularFile(publicFile)) {
            byte[] publicKey = Base64.getDecoder().decode(Files.readString(publicFile, StandardCharsets.US_ASCII).trim());
            if (publicKey.length == TestnetKeys.KEY_LENGTH && Files.size(file) == TestnetKeys.KEY_LENGTH) {
                return publicKey;
            }
        }
        TestnetKeys.Ed25519Key key = TestnetKeys.generate();
        TestnetKeys.writeOwnerOnly(file, key.seed());
        Files.writeString(publicFile, Base64.getEncoder().encodeToString(key.publicKey()) + "\n",
                StandardCharsets.US_ASCII);
        return key.publicKey();
    }

    /** The configurations node {@code n} applies at every start (a JSON configuration resource). */
    String configuration(Node n, List<String> authorityEntries) {
        JsonArrayBuilder authorities = Json.createArrayBuilder();
        authorityEntries.forEach(authorities::add);
        JsonObjectBuilder root = Json.createObjectBuilder();
        root.add(ONION_PID, Json.createObjectBuilder()
                .add("bindAddress", "127.0.0.1")
                .add("orPort", n.orPort())
                .add("relay", true)
                .add("directoryScheme", scheme)
                // Every node of a testnet connects from 127.0.0.1: the per-address cap is for the Internet.
                .add("maxConnectionsPerAddress", 1_000)
                // Descriptors again every minute (tor: 18 h): a restarted authority relists the relays quickly.
                .add("descriptorRepublishSeconds", 60));
        // Both schemes get their configuration, so swapping the installed scheme bundle needs no other step.
        for (String pid : List.of(CONSENSUS_PID, MERKLE_PID)) {
            root.add(pid, Json.createObjectBuilder()
                    .add("authorities", authorities.build())
                    .add("timeoutMillis", 10_000)
                    // Every relay a directory cache, as C tor's DirCache 1 default: clients refresh the
                    // directory from relays over one-hop BEGIN_DIR once bootstrapped (directory-consensus.md §5.1).
                    .add("serveDirectory", true)
                    .add("mirrorRefreshSeconds", VOTING_INTERVAL_SECONDS));
            authorities = Json.createArrayBuilder();
            authorityEntries.forEach(authorities::add);
        }
        if (n.authority()) {
            JsonArrayBuilder all = Json.createArrayBuilder();
            authorityEntries.forEach(all::add);
            root.add(AUTHORITY_PID, Json.createObjectBuilder()
                    .add("keyFile", n.authorityKeyFile().toAbsolutePath().toString())
                    .add("authorities", all)
                    .add("listenAddress", "127.0.0.1")
                    .add("port", n.dirPort())
                    .add("votingIntervalSeconds", VOTING_INTERVAL_SECONDS)
                    .add("validitySeconds", VALIDITY_SECONDS)
                    .add("phaseMillis", PHASE_MILLIS)
                    .add("probeTimeoutMillis", 3_000)
                    .add("stableUptimeSeconds", 0)
                    .add("guardMinKnownSeconds", 0)
                    .add("hsdirMinUptimeSeconds", 0)
                    .add("fastGuarantee", 1)
                    .add("guardGuarantee", 1));
        }
        return pretty(root.build());
    }

    private static String pretty(JsonObject json) {
        StringWriter out = new StringWriter();
        try (JsonWriter w = Json.createWriterFactory(Map.of(JsonGenerator.PRETTY_PRINTING, true)).createWriter(out)) {
            w.writeObject(json);
        }
        return out.toString().trim() + "\n";
    }
}
