package org.veilswarm.transport.tor.process;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.veilswarm.transport.tor.control.BootstrapStatus;
import org.veilswarm.transport.tor.control.Signal;
import org.veilswarm.transport.tor.control.TorControlClient;
import org.veilswarm.transport.tor.control.TorControlException;

/**
 * A C tor process this JVM started and owns. {@link Builder#start()} writes {@code torrc} into the data
 * directory (owner-only), launches {@code tor --ignore-missing-torrc -f torrc}, waits for the control
 * port file tor writes ({@code ControlPortWriteToFile}), connects, authenticates with the cookie,
 * sends {@code TAKEOWNERSHIP} and then resets {@code __OwningControllerProcess}: from then on tor exits
 * when the control connection closes (control-spec §3.23), and until then when this JVM dies.
 * {@link #close()} stops it: {@code SIGNAL SHUTDOWN}, then a kill if it has not exited in time.
 */
public final class TorProcess implements AutoCloseable {
    private static final String CONTROL_PORT_FILE = "control-port";
    private static final String STDOUT_LOG = "tor-stdout.log";

    private final Process process;
    private final Path dataDirectory;
    private final int controlPort;
    private final TorControlClient control;
    private final Duration stopTimeout;

    private TorProcess(Process process, Path dataDirectory, int controlPort, TorControlClient control, Duration stopTimeout) {
        this.process = process;
        this.dataDirectory = dataDirectory;
        this.controlPort = controlPort;
        this.control = control;
        this.stopTimeout = stopTimeout;
    }

    /** A builder for a tor whose DataDirectory is {@code dataDirectory} (created 0700 if missing). */
    public static Builder builder(Path dataDirectory) {
        return new Builder(dataDirectory);
    }

    /** The {@code tor} executable on PATH, or Debian's {@code /usr/sbin/tor} (not on a normal user's PATH). */
    public static Optional<Path> findExecutable() {
        List<Path> candidates = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                if (!dir.isEmpty()) {
                    candidates.add(Path.of(dir, "tor"));
                }
            }
        }
        candidates.add(Path.of("/usr/sbin/tor"));
        candidates.add(Path.of("/usr/bin/tor"));
        return candidates.stream().filter(p -> Files.isRegularFile(p) && Files.isExecutable(p)).findFirst();
    }

    /** The owning control connection; closing it makes tor exit. */
    public TorControlClient control() {
        return control;
    }

    public int controlPort() {
        return controlPort;
    }

    public Path dataDirectory() {
        return dataDirectory;
    }

    public Process process() {
        return process;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Waits until tor reports 100 % bootstrapped (never, with DisableNetwork 1). */
    public BootstrapStatus awaitBootstrap(Duration timeout) throws TorControlException {
        return control.awaitBootstrap(100, timeout, Duration.ofMillis(250));
    }

    /**
     * Stops tor: SIGNAL SHUTDOWN (a relay then waits ShutdownWaitLength), wait up to the stop timeout,
     * then destroy. Returns tor's exit code.
     */
    public int stop() {
        if (process.isAlive() && control.isOpen()) {
            try {
                control.signal(Signal.SHUTDOWN);
            } catch (TorControlException e) {
                // tor may close the connection before the reply arrives; the wait below decides.
            }
        }
        control.close();
        try {
            if (!process.waitFor(stopTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroy();
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                }
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            return -1;
        }
    }

    @Override
    public void close() {
        stop();
    }

    /** The last lines tor printed, for error messages. */
    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 8), lines.size()));
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }

    /** torrc options and launch settings. Options set here override the defaults of the same name. */
    public static final class Builder {
        private final Path dataDirectory;
        /** Written unless an option of the same name is given: no SOCKS listener, notices on stdout (our log file). */
        private static final Map<String, String> DEFAULTS = Map.of("SocksPort", "0", "Log", "notice stdout");
        private final Map<String, List<String>> options = new LinkedHashMap<>();
        private Path executable;
        private Duration startTimeout = Duration.ofSeconds(60);
        private Duration stopTimeout = Duration.ofSeconds(40);

        private Builder(Path dataDirectory) {
            this.dataDirectory = dataDirectory.toAbsolutePath();
            String text = this.dataDirectory.toString();
            // torrc values run to the end of the line and '#' starts a comment: such a path cannot be written plainly.
            if (text.indexOf('#') >= 0 || text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0 || text.indexOf('"') >= 0) {
                throw new IllegalArgumentException("tor data directory path must not contain '#', '\"' or line breaks: " + text);
            }
        }

        /** Adds a torrc line {@code key value}; repeat for multi-valued options. The first call replaces a default. */
        public Builder option(String key, String value) {
            if (!key.matches("[A-Za-z0-9_]+") || value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
                throw new IllegalArgumentException("invalid torrc option: " + key);
            }
            if (isManaged(key)) {
                throw new IllegalArgumentException(key + " is set by TorProcess itself");
            }
            options.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
            return this;
        }

        private static boolean isManaged(String key) {
            return List.of("DataDirectory", "ControlPort", "ControlPortWriteToFile", "CookieAuthentication",
                    "__OwningControllerProcess").contains(key);
        }

        /** The tor binary; by default {@link TorProcess#findExecutable()}. */
        public Builder executable(Path executable) {
            this.executable = Objects.requireNonNull(executable);
            return this;
        }

        /** How long to wait for tor's control port. */
        public Builder startTimeout(Duration timeout) {
            this.startTimeout = timeout;
            return this;
        }

        /** How long {@link TorProcess#stop()} waits after SIGNAL SHUTDOWN before killing tor. */
        public Builder stopTimeout(Duration timeout) {
            this.stopTimeout = timeout;
            return this;
        }

        /** The torrc text this builder writes. */
        public String torrc() {
            StringBuilder torrc = new StringBuilder("# written by Veilswarm's TorProcess; rewritten at every start\n");
            line(torrc, "DataDirectory", dataDirectory.toString());
            // "auto" lets tor pick a free port and avoids a probe-then-bind race; the file tells us which.
            line(torrc, "ControlPort", "127.0.0.1:auto");
            line(torrc, "ControlPortWriteToFile", dataDirectory.resolve(CONTROL_PORT_FILE).toString());
            line(torrc, "CookieAuthentication", "1");
            // Until TAKEOWNERSHIP, tor exits when this JVM does (checked about once a second).
            line(torrc, "__OwningControllerProcess", Long.toString(ProcessHandle.current().pid()));
            DEFAULTS.forEach((key, value) -> {
                if (!options.containsKey(key)) {
                    line(torrc, key, value);
                }
            });
            options.forEach((key, values) -> values.forEach(v -> line(torrc, key, v)));
            return torrc.toString();
        }

        private static void line(StringBuilder torrc, String key, String value) {
            torrc.append(key).append(' ').append(value).append('\n');
        }

        /**
         * Launches tor and returns once it is owned through an authenticated control connection.
         *
         * @throws IOException when tor is missing, exits early, or its control port does not appear in time
         */
        public TorProcess start() throws IOException {
            Path tor = executable != null ? executable : findExecutable().orElseThrow(() -> new IOException(
                    "tor not found on PATH or in /usr/sbin: install it (apt-get install -y tor)"));
            createPrivateDirectory(dataDirectory);
            Path torrc = dataDirectory.resolve("torrc");
            writePrivateAtomically(torrc, torrc());
            Path portFile = dataDirectory.resolve(CONTROL_PORT_FILE);
            Files.deleteIfExists(portFile);
            Path log = dataDirectory.resolve(STDOUT_LOG);
            Process process = new ProcessBuilder(tor.toString(), "--ignore-missing-torrc", "-f", torrc.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                int port = awaitControlPort(process, portFile, log);
                TorControlClient control = TorControlClient.connect(port);
                try {
                    control.authenticate();
                    control.takeOwnership();
                    // control-spec §3.23: after TAKEOWNERSHIP the connection owns tor; drop the pid-based owner.
                    control.resetConf("__OwningControllerProcess");
                } catch (IOException | RuntimeException e) {
                    control.close();
                    throw e;
                }
                return new TorProcess(process, dataDirectory, port, control, stopTimeout);
            } catch (IOException | RuntimeException e) {
                process.destroyForcibly();
                throw e;
            }
        }

        private int awaitControlPort(Process process, Path portFile, Path log) throws IOException {
            long deadline = System.nanoTime() + startTimeout.toNanos();
            while (System.nanoTime() - deadline < 0) {
                if (Files.exists(portFile)) {
                    // tor writes the file atomically ("PORT=127.0.0.1:<port>"), so it is complete once it exists.
                    String content = Files.readString(portFile, StandardCharsets.US_ASCII).trim();
                    int colon = content.lastIndexOf(':');
                    if (content.startsWith("PORT=") && colon > 0) {
                        try {
                            return Integer.parseInt(content.substring(colon + 1));
                        } catch (NumberFormatException e) {
                            throw new IOException("unexpected content in " + portFile + ": " + content);
                        }
                    }
                }
                if (!process.isAlive()) {
                    throw new IOException("tor exited with code " + process.exitValue() + " before opening its control port:\n" + tail(log));
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while waiting for tor to start", e);
                }
            }
            throw new IOException("tor did not open its control port within " + startTimeout + ":\n" + tail(log));
        }

        private static void createPrivateDirectory(Path dir) throws IOException {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            // tor refuses a DataDirectory others can read.
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        }

        private static void writePrivateAtomically(Path target, String content) throws IOException {
            Path temp = Files.createTempFile(target.getParent(), ".torrc", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try {
                Files.writeString(temp, content, StandardCharsets.UTF_8);
                try {
                    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(temp);
            }
        }
    }
}
