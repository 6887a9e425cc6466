package org.veilswarm.transport.tor.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.veilswarm.transport.tor.control.TorControlException;
import org.veilswarm.transport.tor.process.TorProcess;

/**
 * A private C tor network on 127.0.0.1 (REFERENCE.md §4): directory authorities made with tor-gencert and
 * non-exit relays, all with {@code TestingTorNetwork 1}, in a directory of the caller's (a JUnit
 * {@code @TempDir}). {@link #start} returns once the authorities' consensus lists every relay Running,
 * Valid, HSDir, Stable, Fast and Guard; clients then join with {@link #clientTorrcLines()}.
 * {@link #close()} stops every tor, also when start failed halfway (start closes what it launched). Every
 * tor is owned through its control connection (TorProcess: TAKEOWNERSHIP), so none outlives the JVM.
 */
public final class PrivateTorNetwork implements AutoCloseable {
    private static final List<String> REQUIRED_FLAGS = List.of("Running", "Valid", "HSDir", "Stable", "Fast", "Guard");

    private final Path directory;
    private final List<String> dirAuthorityLines = new ArrayList<>();
    private final List<TorProcess> authorities = new ArrayList<>();
    private final List<TorProcess> relays = new ArrayList<>();

    private PrivateTorNetwork(Path directory) {
        this.directory = directory;
    }

    /**
     * Starts {@code authorityCount} authorities and {@code relayCount} relays and waits for a consensus that
     * lists them all with the flags onion services need.
     *
     * @throws IOException naming the tor that failed, or what the consensus lacked at the deadline
     */
    public static PrivateTorNetwork start(Path directory, int authorityCount, int relayCount, Duration timeout)
            throws IOException {
        RealTor.executable();
        PrivateTorNetwork network = new PrivateTorNetwork(directory);
        try {
            network.launch(authorityCount, relayCount, timeout);
            return network;
        } catch (IOException | RuntimeException e) {
            network.close();
            throw e;
        }
    }

    private void launch(int authorityCount, int relayCount, Duration timeout) throws IOException {
        List<int[]> authorityPorts = new ArrayList<>();
        for (int i = 0; i < authorityCount; i++) {
            int orPort = freePort();
            int dirPort = freePort();
            authorityPorts.add(new int[] {orPort, dirPort});
            dirAuthorityLines.add(createAuthorityKeys("auth" + i, orPort, dirPort));
        }
        List<CompletableFuture<TorProcess>> starting = new ArrayList<>();
        for (int i = 0; i < authorityCount; i++) {
            int[] ports = authorityPorts.get(i);
            TorProcess.Builder builder = relay(TorProcess.builder(dataDir("auth" + i)), "auth" + i, ports[0])
                    .option("DirPort", "127.0.0.1:" + ports[1])
                    .option("AuthoritativeDirectory", "1")
                    .option("V3AuthoritativeDirectory", "1")
                    .option("ContactInfo", "auth" + i + "@test.invalid")
                    .option("V3AuthVotingInterval", "10")
                    .option("V3AuthVoteDelay", "2")
                    .option("V3AuthDistDelay", "2")
                    .option("TestingV3AuthInitialVotingInterval", "5")
                    .option("TestingV3AuthInitialVoteDelay", "2")
                    .option("TestingV3AuthInitialDistDelay", "2")
                    .option("V3AuthNIntervalsValid", "2")
                    .option("TestingDirAuthVoteGuard", "*")
                    .option("TestingDirAuthVoteHSDir", "*")
                    // Onion-service circuits need Stable relays; a young network has none without these.
                    .option("AuthDirVoteStableGuaranteeMinUptime", "0")
                    .option("AuthDirVoteStableGuaranteeMTBF", "0")
                    .option("AuthDirFastGuarantee", "1");
            starting.add(startAsync(builder));
        }
        authorities.addAll(joinAll(starting));
        starting.clear();
        for (int i = 0; i < relayCount; i++) {
            starting.add(startAsync(relay(TorProcess.builder(dataDir("relay" + i)), "relay" + i, freePort())));
        }
        relays.addAll(joinAll(starting));
        awaitConsensus(authorityCount + relayCount, timeout);
    }

    private CompletableFuture<TorProcess> startAsync(TorProcess.Builder builder) {
        CompletableFuture<TorProcess> started = new CompletableFuture<>();
        // Own threads: the common pool has a single thread on a 2-core machine.
        Thread thread = new Thread(() -> {
            try {
                started.complete(builder.start());
            } catch (IOException | RuntimeException e) {
                started.completeExceptionally(new UncheckedIOException(e instanceof IOException io ? io : new IOException(e)));
            }
        }, "private-tor-start");
        thread.setDaemon(true);
        thread.start();
        return started;
    }

    /** Waits for every start; keeps the ones that started (for close) and rethrows the first failure. */
    private List<TorProcess> joinAll(List<CompletableFuture<TorProcess>> starting) throws IOException {
        List<TorProcess> started = new ArrayList<>();
        IOException failure = null;
        for (CompletableFuture<TorProcess> f : starting) {
            try {
                started.add(f.join());
            } catch (RuntimeException e) {
                Throwable cause = e.getCause() instanceof UncheckedIOException u ? u.getCause() : e.getCause();
                if (failure == null) {
                    failure = new IOException("a tor of the private network did not start: " + cause.getMessage(), cause);
                }
            }
        }
        if (failure != null) {
            relays.addAll(started); // closed by start()'s cleanup
            throw failure;
        }
        return started;
    }

    private TorProcess.Builder relay(TorProcess.Builder builder, String nickname, int orPort) {
        common(builder.executable(RealTor.executable()).stopTimeout(Duration.ofSeconds(10)));
        return builder.option("Nickname", nickname)
                .option("Address", "127.0.0.1")
                .option("ORPort", "127.0.0.1:" + orPort)
                .option("ExitRelay", "0")
                .option("ExitPolicy", "reject *:*")
                .option("AssumeReachable", "1");
    }

    private void common(TorProcess.Builder builder) {
        for (String line : clientTorrcLines()) {
            int space = line.indexOf(' ');
            builder.option(line.substring(0, space), line.substring(space + 1));
        }
    }

    /**
     * The torrc lines a client of this network needs (REFERENCE.md §4, "Every node"): the testing-network
     * switch, the authorities, and the settings that let a small network build circuits.
     */
    public List<String> clientTorrcLines() {
        List<String> lines = new ArrayList<>(List.of("TestingTorNetwork 1", "SafeLogging 0", "ShutdownWaitLength 0",
                "PathsNeededToBuildCircuits 0.67"));
        dirAuthorityLines.forEach(line -> lines.add("DirAuthority " + line));
        return lines;
    }

    /** tor-gencert for the v3 identity, tor --list-fingerprint for the relay identity; returns the DirAuthority value. */
    private String createAuthorityKeys(String nickname, int orPort, int dirPort) throws IOException {
        Path data = dataDir(nickname);
        Files.createDirectories(data.resolve("keys"));
        Files.setPosixFilePermissions(data, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        run(data, "tor-gencert", "--create-identity-key", "--passphrase-fd", "0",
                "-i", "keys/authority_identity_key", "-s", "keys/authority_signing_key", "-c", "keys/authority_certificate",
                "-m", "12", "-a", "127.0.0.1:" + dirPort);
        String v3ident = Files.readAllLines(data.resolve("keys/authority_certificate"), StandardCharsets.US_ASCII).stream()
                .filter(l -> l.startsWith("fingerprint ")).map(l -> l.substring("fingerprint ".length()).trim()).findFirst()
                .orElseThrow(() -> new IOException("no fingerprint in " + nickname + "'s authority certificate"));
        run(data, RealTor.executable().toString(), "--list-fingerprint", "--orport", "1", "--datadirectory", data.toString(),
                "--nickname", nickname, "--ignore-missing-torrc", "-f", "/dev/null");
        String[] fingerprint = Files.readString(data.resolve("fingerprint"), StandardCharsets.US_ASCII).trim().split(" ");
        return nickname + " orport=" + orPort + " no-v2 v3ident=" + v3ident + " 127.0.0.1:" + dirPort + " " + fingerprint[1];
    }

    private static void run(Path dir, String... command) throws IOException {
        Path log = dir.resolve(Path.of(command[0]).getFileName() + ".log");
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        p.getOutputStream().close(); // empty passphrase for tor-gencert
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(command[0] + " did not finish within 60 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted", e);
        }
        if (p.exitValue() != 0) {
            throw new IOException(command[0] + " failed (" + p.exitValue() + "): " + Files.readString(log));
        }
    }

    /**
     * Waits until the consensus lists {@code routers} routers with every flag onion services need, e.g. after a
     * relay outside this fixture (a node's own tor) joined with {@link #clientTorrcLines()}.
     */
    public void awaitRouters(int routers, Duration timeout) throws IOException {
        awaitConsensus(routers, timeout);
    }

    /** Polls the first authority's consensus (GETINFO ns/all) until {@code expected} routers carry every required flag. */
    private void awaitConsensus(int expected, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no consensus yet";
        while (System.nanoTime() - deadline < 0) {
            try {
                String ns = authorities.get(0).control().getInfo("ns/all");
                int ready = countFullyFlagged(ns);
                if (ready >= expected) {
                    return;
                }
                last = ready + " of " + expected + " routers with " + REQUIRED_FLAGS;
            } catch (TorControlException e) {
                last = e.getMessage(); // 551/552 until the first consensus exists
            }
            for (TorProcess tor : all()) {
                if (!tor.isAlive()) {
                    throw new IOException("a tor of the private network exited; see " + tor.dataDirectory().resolve("tor-stdout.log"));
                }
            }
            sleep(500);
        }
        throw new IOException("private tor network: no usable consensus within " + timeout + " (" + last + ")");
    }

    static int countFullyFlagged(String ns) {
        int count = 0;
        String router = null;
        for (String line : ns.split("\n")) {
            if (line.startsWith("r ")) {
                router = line;
            } else if (line.startsWith("s ") && router != null) {
                Set<String> flags = new HashSet<>(List.of(line.substring(2).trim().split(" ")));
                if (flags.containsAll(REQUIRED_FLAGS)) {
                    count++;
                }
                router = null;
            }
        }
        return count;
    }

    private Path dataDir(String nickname) {
        return directory.resolve(nickname);
    }

    private List<TorProcess> all() {
        List<TorProcess> all = new ArrayList<>(authorities);
        all.addAll(relays);
        return all;
    }

    /** Routers in the network (authorities and relays). */
    public int size() {
        return authorities.size() + relays.size();
    }

    private static final java.util.Set<Integer> HANDED_OUT = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * A free TCP port on 127.0.0.1 now, in 10000-19999 and not handed out before in this JVM. Another process could
     * take it before tor binds it (seconds later: authority keys are generated first), and then the start fails
     * loudly; below Linux's ephemeral range (32768 and up) no outgoing connection or port-0 listener of another
     * process is given it meanwhile (other builds share the machine).
     */
    public static int freePort() {
        java.util.Random random = new java.util.Random();
        for (int attempt = 0; attempt < 500; attempt++) {
            int port = 10_000 + random.nextInt(10_000);
            if (!HANDED_OUT.add(port)) {
                continue;
            }
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
                return port;
            } catch (IOException taken) {
                // another one
            }
        }
        throw new UncheckedIOException(new IOException("no free port in 10000-19999 on 127.0.0.1"));
    }

    private static void sleep(long millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** Stops every tor in parallel (ShutdownWaitLength 0, so relays exit at once). */
    @Override
    public void close() {
        List<Thread> stopping = new ArrayList<>();
        for (TorProcess tor : all()) {
            Thread thread = new Thread(tor::stop, "private-tor-stop");
            thread.start();
            stopping.add(thread);
        }
        for (Thread thread : stopping) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        authorities.clear();
        relays.clear();
    }
}
