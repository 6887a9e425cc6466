package org.veilswarm.peerwire;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A libtorrent 2.0 peer ({@code libtorrent_peer.py}, python3-libtorrent run by {@code /usr/bin/python3},
 * since a pyenv python first on PATH cannot import it) on 127.0.0.1: a seeder ({@link #start}; closing it
 * closes the script's input, which ends it) or a one-shot downloader ({@link #download}).
 */
final class LibtorrentPeer implements AutoCloseable {

    static final String PYTHON = "/usr/bin/python3";
    static final String INSTALL_HINT =
            "install python3-libtorrent (apt-get install -y python3-libtorrent; scripts/test.sh does this)";

    private final Process process;
    final int port;
    final String version;

    private LibtorrentPeer(Process process, int port, String version) {
        this.process = process;
        this.port = port;
        this.version = version;
    }

    /** Fails (never skips) when libtorrent cannot be imported. */
    static void requireAvailable() throws IOException, InterruptedException {
        Process p = new ProcessBuilder(PYTHON, "-c", "import libtorrent").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            fail(PYTHON + " cannot import libtorrent: " + INSTALL_HINT + "\n" + out);
        }
    }

    /** libtorrent creates {@code torrent} for {@code dataFile} (v2-only or hybrid) and seeds it. */
    static LibtorrentPeer start(Path dataFile, int pieceLength, boolean hybrid, Path torrent) throws IOException {
        Process p = new ProcessBuilder(PYTHON, script().toString(), "seed", dataFile.toString(),
                Integer.toString(pieceLength), hybrid ? "hybrid" : "v2", torrent.toString())
                .redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        List<String> lines = new ArrayList<>();
        int port = -1;
        String version = "?";
        for (String line; (line = out.readLine()) != null; ) {
            lines.add(line);
            if (line.startsWith("port=")) {
                port = Integer.parseInt(line.substring(5));
            } else if (line.startsWith("version=")) {
                version = line.substring(8);
            } else if (line.equals("ready")) {
                return new LibtorrentPeer(p, port, version);
            }
        }
        p.destroyForcibly();
        fail("libtorrent seeder did not start:\n" + String.join("\n", lines));
        throw new AssertionError();
    }

    /**
     * libtorrent downloads {@code magnet} into {@code savePath} from the single peer 127.0.0.1:{@code port}
     * (at most 60 s) and reports what happened as key=value lines.
     */
    static java.util.Map<String, String> download(String magnet, Path savePath, int port)
            throws IOException, InterruptedException {
        Process p = new ProcessBuilder(PYTHON, script().toString(), "download", magnet, savePath.toString(),
                Integer.toString(port)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("libtorrent download timed out:\n" + out);
        }
        java.util.Map<String, String> values = new java.util.LinkedHashMap<>();
        out.lines().forEach(line -> {
            int eq = line.indexOf('=');
            if (eq > 0) {
                values.merge(line.substring(0, eq), line.substring(eq + 1), (a, b) -> a + "; " + b);
            }
        });
        if (p.exitValue() != 0) {
            fail("libtorrent download failed:\n" + out);
        }
        return values;
    }

    static Path script() {
        try {
            return Path.of(LibtorrentPeer.class.getResource("libtorrent_peer.py").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws IOException {
        process.getOutputStream().close();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
