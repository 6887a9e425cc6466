package org.veilswarm.tracker.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veilswarm.api.tracker.Change;
import org.veilswarm.api.tracker.InfoHash;
import org.veilswarm.api.tracker.PeerEntry;
import org.veilswarm.api.tracker.Visibility;
import org.veilswarm.api.transport.Listener;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.tracker.impl.TrackerServerInitializer;
import org.veilswarm.tracker.impl.TrackerService;
import org.veilswarm.tracker.impl.TrackerSettings;
import org.veilswarm.tracker.protocol.ShareTokenTable;
import org.veilswarm.tracker.protocol.TrackedShare;
import org.veilswarm.tracker.store.memory.MemoryTrackerStore;
import org.veilswarm.transport.direct.impl.DirectTransportEngine;
import org.veilswarm.transport.direct.impl.DirectTransportSettings;

/**
 * libtorrent (python3-libtorrent) announces to our tracker, served on 127.0.0.1 by the direct transport:
 * a seeder session announces, a downloader session gets the seeder from our peer list and downloads.
 */
class LibtorrentInteropTest {
    static final Path PYTHON = Path.of("/usr/bin/python3");

    @TempDir
    Path dir;

    @Test
    void libtorrentAnnouncesToOurTrackerAndFindsItsPeerThroughIt() throws Exception {
        Path script = dir.resolve("libtorrent_swarm.py");
        try (InputStream in = getClass().getResourceAsStream("libtorrent_swarm.py")) {
            Files.copy(in, script);
        }
        MemoryTrackerStore store = new MemoryTrackerStore();
        ShareTokenTable tokens = new ShareTokenTable();
        String token = ShareTokenTable.newToken(new SecureRandom());
        TrackerService service = new TrackerService(store, tokens, TrackerSettings.DEFAULT, Clock.systemUTC());
        try (DirectTransportEngine engine = new DirectTransportEngine(DirectTransportSettings.defaults())) {
            Listener listener = engine.listen(null, 0, new TrackerServerInitializer(service)).toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
            String url = "http://127.0.0.1:" + listener.address().port() + "/public/" + token + "/announce";

            String created = python(script.toString(), "create", dir.toString(), url);
            InfoHash hash = InfoHash.ofHex(field(created, "info_hash"));
            tokens.put(token, new TrackedShare(Visibility.PUBLIC, Set.of(hash)));

            String outcome = python(script.toString(), "swarm", dir.toString(), "40");
            int seedPort = intField(outcome, "seed_port");
            int leechPort = intField(outcome, "leech_port");

            List<PeerEntry> announced = store.changesSince(0, 10_000).stream()
                    .filter(c -> c.kind() == Change.Kind.PEER_PUT).map(c -> c.peer().orElseThrow()).toList();
            assertTrue(announced.stream().anyMatch(p -> p.infoHash().equals(hash)
                    && p.address().equals(new TransportAddress("127.0.0.1", seedPort)) && p.seeder()),
                    "the seeder's announce is in the store with its info-hash and port: " + announced + "\n" + outcome);
            assertTrue(announced.stream().anyMatch(p -> p.infoHash().equals(hash)
                    && p.address().equals(new TransportAddress("127.0.0.1", leechPort))),
                    "the downloader's announce is in the store: " + announced + "\n" + outcome);
            assertTrue(outcome.contains("\"peers_seen\": [") && outcome.contains("127.0.0.1:" + seedPort),
                    "the downloader got the seeder from our tracker: " + outcome);
            assertTrue(outcome.contains("\"downloaded\": true"), "the download completed: " + outcome);
            assertTrue(outcome.contains("\"errors\": []"), "libtorrent reported no tracker error: " + outcome);
            assertEquals(0, service.failures(), "libtorrent's announces all parsed");
            listener.close();
        }
    }

    private static int intField(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\": (\\d+)").matcher(json);
        assertTrue(m.find(), name + " in " + json);
        return Integer.parseInt(m.group(1));
    }

    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\": \"([^\"]*)\"").matcher(json);
        assertTrue(m.find(), name + " in " + json);
        return m.group(1);
    }

    private String python(String... args) throws Exception {
        if (!Files.isExecutable(PYTHON)) {
            throw new AssertionError("/usr/bin/python3 is missing: install python3-libtorrent (scripts/test.sh)");
        }
        List<String> command = new java.util.ArrayList<>(List.of(PYTHON.toString()));
        command.addAll(List.of(args));
        Path log = Files.createTempFile(dir, "python", ".log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("libtorrent script timed out: " + Files.readString(log));
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            String hint = out.contains("No module named 'libtorrent'")
                    ? " (install python3-libtorrent: scripts/test.sh does)" : "";
            throw new AssertionError("libtorrent script failed" + hint + ": " + out);
        }
        String[] lines = out.strip().split("\n");
        return lines[lines.length - 1];
    }
}
