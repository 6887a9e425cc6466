package org.veilswarm.tracker.interop;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.veilswarm.api.tracker.InfoHash;

/**
 * A real {@code opentracker} (Debian package) on 127.0.0.1 and a free port, in whitelist mode (the only
 * mode Debian builds) with its own config, whitelist and chroot directory under {@code dir}.
 */
final class Opentracker implements AutoCloseable {
    static final Path BINARY = Path.of("/usr/bin/opentracker");

    /** Set once opentracker listens (it may take more than one port: see the constructor). */
    int port;
    private Process process;
    private final Path log;

    Opentracker(Path dir, List<InfoHash> whitelist) throws Exception {
        if (!Files.isExecutable(BINARY)) {
            throw new AssertionError("opentracker is not installed: run scripts/test.sh, or "
                    + "`sudo apt-get install opentracker` (Debian package)");
        }
        StringBuilder hashes = new StringBuilder();
        whitelist.forEach(h -> hashes.append(h.hex()).append('\n'));
        Files.writeString(dir.resolve("whitelist.txt"), hashes, StandardCharsets.US_ASCII);
        // Started as root, opentracker chroots here and drops to an unprivileged user ("nobody" unless
        // tracker.user says otherwise) that must still read the whitelist: JUnit's temp dirs are 0700.
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(dir.resolve("whitelist.txt"),
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        this.log = dir.resolve("opentracker.log");
        // The free port is found before opentracker binds it, so another process (other builds run on the same
        // machine) can take it in between: opentracker then exits at once with "Address already in use", and
        // it is started again on another port.
        int attempt = 0;
        while (true) {
            int candidate = freePort();
            Process started = start(dir, candidate);
            if (awaitListening(started, candidate)) {
                this.port = candidate;
                this.process = started;
                return;
            }
            String output = Files.readString(log);
            if (!output.contains("Address already in use") || ++attempt == 5) {
                throw new AssertionError("opentracker exited with " + started.exitValue() + ": " + output);
            }
        }
    }

    private Process start(Path dir, int port) throws IOException {
        // opentracker chroots to tracker.rootdir before reading the whitelist: the whitelist path is inside it.
        Path config = dir.resolve("opentracker.conf");
        Files.writeString(config, "listen.tcp 127.0.0.1:" + port + "\nlisten.udp 127.0.0.1:" + port
                + "\naccess.whitelist /whitelist.txt\ntracker.rootdir " + dir.toAbsolutePath() + "\n");
        return new ProcessBuilder(BINARY.toString(), "-f", config.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** True once the port accepts connections while the process lives; false when the process exited. */
    private boolean awaitListening(Process started, int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            if (!started.isAlive()) {
                return false;
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return started.isAlive();
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        started.destroyForcibly();
        throw new AssertionError("opentracker did not listen on 127.0.0.1:" + port + ": " + Files.readString(log));
    }

    /** The process id, for CPU accounting in the benchmark. */
    long pid() {
        return process.pid();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }
}
