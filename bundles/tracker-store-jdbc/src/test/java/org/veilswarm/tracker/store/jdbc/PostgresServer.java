package org.veilswarm.tracker.store.jdbc;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throw-away PostgreSQL server for tests: {@code initdb} into a temporary directory, {@code postgres} listening
 * on 127.0.0.1 only (and a Unix socket in the same directory), password authentication over TCP, stopped and
 * deleted by {@link #close()}. As root, the server runs as the {@code postgres} user (initdb refuses root).
 * Needs the Debian package {@code postgresql}; fails with an install hint when its binaries are missing.
 */
final class PostgresServer implements AutoCloseable {
    static final String USER = "veilswarm";
    static final String PASSWORD = "contract-secret-7f3a";
    static final String INSTALL_HINT = "install postgresql (apt-get install -y postgresql; scripts/test.sh does this)";

    private final Path dir;
    private final Path bin;
    private final boolean asPostgresUser;
    private final int port;
    private final Process process;

    private PostgresServer(Path dir, Path bin, boolean asPostgresUser, int port, Process process) {
        this.dir = dir;
        this.bin = bin;
        this.asPostgresUser = asPostgresUser;
        this.port = port;
        this.process = process;
    }

    static PostgresServer start() throws Exception {
        Path bin = findBin();
        boolean root = "root".equals(System.getProperty("user.name"));
        Path dir = Files.createTempDirectory("veilswarm-pg-");
        Path data = dir.resolve("data");
        Path pwfile = dir.resolve("pwfile");
        Files.writeString(pwfile, PASSWORD + "\n");
        Files.setPosixFilePermissions(pwfile, PosixFilePermissions.fromString("rw-------"));
        if (root) {
            run(List.of("chown", "-R", "postgres:postgres", dir.toString()), Duration.ofSeconds(10));
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        }
        run(command(root, bin.resolve("initdb").toString(), "-D", data.toString(), "-U", USER,
                "--pwfile=" + pwfile, "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8",
                "--no-sync", "--locale=C"), Duration.ofSeconds(90));
        // The free port is found before postgres binds it, so another process (other builds share the machine) can
        // take it in between: postgres then exits with "Address already in use" and is started on another port.
        for (int attempt = 1; ; attempt++) {
            int port = freePort();
            // fsync off: a test database needs no crash safety, and commits are then not bound by the disk.
            ProcessBuilder pb = new ProcessBuilder(command(root, bin.resolve("postgres").toString(), "-D",
                    data.toString(), "-k", dir.toString(), "-c", "listen_addresses=127.0.0.1", "-p",
                    Integer.toString(port), "-c", "fsync=off", "-c", "synchronous_commit=off", "-c",
                    "full_page_writes=off"));
            pb.redirectErrorStream(true).redirectOutput(dir.resolve("postgres.log").toFile());
            Process process = pb.start();
            PostgresServer server = new PostgresServer(dir, bin, root, port, process);
            try {
                server.awaitReady(Duration.ofSeconds(60));
                return server;
            } catch (Exception e) {
                if (attempt < 5 && !process.isAlive() && server.log().contains("Address already in use")) {
                    continue;
                }
                server.close();
                throw e;
            }
        }
    }

    int port() {
        return port;
    }

    String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** Runs one statement in the {@code postgres} database (CREATE DATABASE cannot run in a transaction). */
    void admin(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url("postgres"), USER, PASSWORD);
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private void awaitReady(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("postgres exited with " + process.exitValue() + ": " + log());
            }
            // With a login timeout: a listener that is not our postgres (see start) may accept and never answer.
            java.util.Properties login = new java.util.Properties();
            login.setProperty("user", USER);
            login.setProperty("password", PASSWORD);
            login.setProperty("loginTimeout", "10");
            try (Connection c = DriverManager.getConnection(url("postgres"), login)) {
                return;
            } catch (SQLException e) {
                last = e;
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("postgres did not accept connections within " + timeout + ": " + log(), last);
    }

    private String log() {
        try {
            return Files.readString(dir.resolve("postgres.log"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() throws Exception {
        try {
            if (process.isAlive()) {
                // Fast shutdown: a smart one (SIGTERM) would wait for pooled connections a failed test left open.
                run(command(asPostgresUser, bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(),
                        "-m", "fast", "-w", "stop"), Duration.ofSeconds(30));
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static Path findBin() throws IOException {
        return findBin(Path.of("/usr/lib/postgresql"));
    }

    /** The newest {@code <root>/<version>/bin} holding initdb and postgres; fails with the install hint. */
    static Path findBin(Path root) throws IOException {
        if (Files.isDirectory(root)) {
            try (Stream<Path> versions = Files.list(root)) {
                List<Path> bins = versions.map(v -> v.resolve("bin"))
                        .filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("postgres")))
                        .sorted(Comparator.reverseOrder()).toList();
                if (!bins.isEmpty()) {
                    return bins.get(0);
                }
            }
        }
        throw new IllegalStateException("no PostgreSQL server binaries under /usr/lib/postgresql/*/bin: "
                + INSTALL_HINT);
    }

    private static List<String> command(boolean asPostgresUser, String... args) {
        List<String> out = new ArrayList<>();
        if (asPostgresUser) {
            out.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        out.addAll(List.of(args));
        return out;
    }

    private static void run(List<String> command, Duration timeout) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = p.getInputStream().readAllBytes();
        if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(command.get(0) + " timed out");
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed (" + p.exitValue() + "): "
                    + new String(output, StandardCharsets.UTF_8));
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
