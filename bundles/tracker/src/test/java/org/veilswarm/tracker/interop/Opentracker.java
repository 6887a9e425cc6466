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

    final int port;
    private final Process process;
    private final Path log;

    Opentracker(Path dir, List<InfoHash> whitelist) throws Exception {
        if (!Files.isExecutable(BINARY)) {
            throw new AssertionError("opentracker is not installed: run scripts/test.sh, or "
                    + "`sudo apt-get install opentracker` (Debian package)");
        }
        this.port = freePort();
        StringBuilder hashes = new StringBuilder();
        whitelist.forEach(h -> hashes.append(h.hex()).append('\n'));
        Files.writeString(dir.resolve("whitelist.txt"), hashes, StandardCharsets.US_ASCII);
        // Started as root, opentracker chroots here and drops to an unprivileged user ("nobody" unless
        // tracker.user says otherwise) that must still read the whitelist: JUnit's temp dirs are 0700.
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(dir.resolve("whitelist.txt"),
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        // opentracker chroots to tracker.rootdir before reading the whitelist: the whitelist path is inside it.
        Path config = dir.resolve("opentracker.conf");
        Files.writeString(config, "listen.tcp 127.0.0.1:" + port + "\nlisten.udp 127.0.0.1:" + port
                + "\naccess.whitelist /whitelist.txt\ntracker.rootdir " + dir.toAbsolutePath() + "\n");
        this.log = dir.resolve("opentracker.log");
        this.process = new ProcessBuilder(BINARY.toString(), "-f", config.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        awaitListening();
    }

    private void awaitListening() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("opentracker exited with " + process.exitValue() + ": " + Files.readString(log));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
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
