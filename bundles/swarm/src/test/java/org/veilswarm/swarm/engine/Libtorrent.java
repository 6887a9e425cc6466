package org.veilswarm.swarm.engine;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * libtorrent 2.0 ({@code libtorrent_swarm.py}, python3-libtorrent run by {@code /usr/bin/python3}: a pyenv
 * python first on PATH cannot import it) as a seeder ({@link #seed}, {@link #createAndSeed}; closing it ends
 * the process) or a one-shot downloader ({@link #download}).
 */
final class Libtorrent implements AutoCloseable {

    static final String PYTHON = "/usr/bin/python3";
    static final String INSTALL_HINT =
            "install python3-libtorrent (apt-get install -y python3-libtorrent; scripts/test.sh does this)";

    private final Process process;
    private final BufferedReader out;
    final int port;
    final String version;

    private Libtorrent(Process process, BufferedReader out, int port, String version) {
        this.process = process;
        this.out = out;
        this.port = port;
        this.version = version;
    }

    /** Fails (never skips) when libtorrent cannot be imported. */
    static void requireAvailable() throws IOException, InterruptedException {
        Process p = new ProcessBuilder(PYTHON, "-c", "import libtorrent").redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            fail(PYTHON + " cannot import libtorrent: " + INSTALL_HINT + "\n" + text);
        }
    }

    /** libtorrent seeds {@code torrent} (made by anyone) from the data in {@code savePath}. */
    static Libtorrent seed(Path torrent, Path savePath) throws IOException {
        return start(List.of("seed", torrent.toString(), savePath.toString()));
    }

    /** libtorrent makes {@code torrent} for {@code dataFile} (v2-only or hybrid) and seeds it. */
    static Libtorrent createAndSeed(Path dataFile, int pieceLength, boolean hybrid, Path torrent) throws IOException {
        return start(List.of("create-seed", dataFile.toString(), Integer.toString(pieceLength), hybrid ? "hybrid" : "v2",
                torrent.toString()));
    }

    private static Libtorrent start(List<String> args) throws IOException {
        List<String> command = new ArrayList<>(List.of(PYTHON, script().toString()));
        command.addAll(args);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        BufferedReader reader = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        List<String> lines = new ArrayList<>();
        int port = -1;
        String version = "?";
        for (String line; (line = reader.readLine()) != null; ) {
            lines.add(line);
            if (line.startsWith("port=")) {
                port = Integer.parseInt(line.substring(5));
            } else if (line.startsWith("version=")) {
                version = line.substring(8);
            } else if (line.equals("ready")) {
                return new Libtorrent(p, reader, port, version);
            }
        }
        p.destroyForcibly();
        fail("libtorrent seeder did not start:\n" + String.join("\n", lines));
        throw new AssertionError();
    }

    /**
     * libtorrent downloads {@code torrent} into {@code savePath} from the one peer 127.0.0.1:{@code port}, then
     * rechecks it, and reports key=value lines.
     */
    static Map<String, String> download(Path torrent, Path savePath, int port, int timeoutSeconds)
            throws IOException, InterruptedException {
        return download(torrent.toString(), savePath, port, timeoutSeconds, true);
    }

    /** @param torrent a .torrent path or a magnet link */
    static Map<String, String> download(String torrent, Path savePath, int port, int timeoutSeconds, boolean recheck)
            throws IOException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            ProcessBuilder builder = new ProcessBuilder(PYTHON, script().toString(), "download", torrent,
                    savePath.toString(), Integer.toString(port), Integer.toString(timeoutSeconds),
                    recheck ? "recheck" : "norecheck").redirectErrorStream(true);
            // Unbuffered, so that whatever the script printed before it died is in the failure message.
            builder.environment().put("PYTHONUNBUFFERED", "1");
            Process p = builder.start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(timeoutSeconds + 90L, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail("libtorrent download timed out:\n" + text);
            }
            int exit = p.exitValue();
            if (exit == 0) {
                return keyValues(text);
            }
            // A python process killed by a signal before it printed anything never talked to our seeder: the
            // reference peer crashed (or was killed from outside), which says nothing about our side. Once
            // is tolerated, loudly; any other failure, or a second crash, fails the test.
            if (exit > 128 && text.isBlank() && attempt == 1) {
                System.err.println("libtorrent download: the python process died with signal " + (exit - 128)
                        + " before printing anything; running it once more");
                continue;
            }
            fail("libtorrent download failed (exit status " + exit
                    + (exit > 128 ? ", signal " + (exit - 128) : "") + "):\n" + text);
        }
    }

    private static Map<String, String> keyValues(String text) {
        Map<String, String> values = new LinkedHashMap<>();
        text.lines().forEach(line -> {
            int eq = line.indexOf('=');
            if (eq > 0) {
                values.merge(line.substring(0, eq), line.substring(eq + 1), (a, b) -> a + "; " + b);
            }
        });
        return values;
    }

    static Path script() {
        try {
            return Path.of(Libtorrent.class.getResource("libtorrent_swarm.py").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Ends the seeder; returns what it printed on the way out (its {@code uploaded=} count). */
    Map<String, String> stop() throws IOException {
        process.getOutputStream().close();
        StringBuilder rest = new StringBuilder();
        try {
            for (String line; (line = out.readLine()) != null; ) {
                rest.append(line).append('\n');
            }
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        return keyValues(rest.toString());
    }

    @Override
    public void close() throws IOException {
        if (process.isAlive()) {
            stop();
        }
    }
}
