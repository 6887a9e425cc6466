package org.veilswarm.metainfo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code libtorrent_tool.py} with the Debian build of libtorrent (python3-libtorrent 2.0.x). The
 * interpreter is {@code /usr/bin/python3} on purpose: a pyenv python first on PATH cannot import it.
 */
final class Libtorrent {

    static final String PYTHON = "/usr/bin/python3";
    static final String INSTALL_HINT =
            "install python3-libtorrent (apt-get install -y python3-libtorrent; scripts/test.sh does this)";

    private Libtorrent() {
    }

    /** Fails (never skips) when libtorrent cannot be imported. */
    static void requireAvailable() throws IOException, InterruptedException {
        Process p = new ProcessBuilder(PYTHON, "-c", "import libtorrent; print(libtorrent.__version__)")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            fail(PYTHON + " cannot import libtorrent: " + INSTALL_HINT + "\n" + out);
        }
    }

    static List<String> run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(PYTHON, script().toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("libtorrent_tool.py " + args[0] + " timed out");
        }
        assertEquals(0, p.exitValue(), () -> "libtorrent_tool.py " + String.join(" ", args) + " failed:\n" + out);
        return out.lines().toList();
    }

    static void create(Path source, int pieceLength, TorrentMode mode, Path out) throws IOException, InterruptedException {
        run("create", source.toString(), Integer.toString(pieceLength), mode == TorrentMode.HYBRID ? "hybrid" : "v2",
                out.toString());
    }

    /** What libtorrent's torrent_info makes of a torrent file. */
    static Inspection inspect(Path torrent) throws IOException, InterruptedException {
        Map<String, String> values = new LinkedHashMap<>();
        List<LtFile> files = new ArrayList<>();
        for (String line : run("inspect", torrent.toString())) {
            int eq = line.indexOf('=');
            if (eq < 0) {
                continue;
            }
            String key = line.substring(0, eq);
            String value = line.substring(eq + 1);
            if (key.equals("file")) {
                String[] f = value.split("\t", 5);
                files.add(new LtFile(f[4], Long.parseLong(f[0]), Long.parseLong(f[1]), f[2].equals("1"), f[3]));
            } else {
                values.put(key, value);
            }
        }
        return new Inspection(values.get("v1"), values.get("v2"), values.get("name"),
                Integer.parseInt(values.get("piece_length")), Integer.parseInt(values.get("num_pieces")), files);
    }

    /** A full hash check of the data under {@code savePath} by a libtorrent session. */
    static Map<String, String> check(Path torrent, Path savePath) throws IOException, InterruptedException {
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : run("check", torrent.toString(), savePath.toString())) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                values.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return values;
    }

    private static Path script() {
        try {
            return Path.of(Libtorrent.class.getResource("libtorrent_tool.py").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    record LtFile(String path, long size, long offset, boolean pad, String root) {
    }

    record Inspection(String v1, String v2, String name, int pieceLength, int numPieces, List<LtFile> files) {

        List<LtFile> dataFiles() {
            return files.stream().filter(f -> !f.pad()).toList();
        }
    }
}
