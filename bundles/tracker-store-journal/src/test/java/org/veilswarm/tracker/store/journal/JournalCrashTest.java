package org.veilswarm.tracker.store.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veilswarm.api.tracker.AnnounceEvent;
import org.veilswarm.api.tracker.AnnounceResult;
import org.veilswarm.api.tracker.Change;
import org.veilswarm.api.tracker.InfoHash;
import org.veilswarm.api.tracker.PeerEntry;
import org.veilswarm.api.tracker.SwarmCounts;
import org.veilswarm.api.tracker.TrackerStatistics;

/**
 * What a JVM killed with SIGKILL (no close, no last flush, no shutdown hook) in the middle of announcing leaves
 * of a {@link JournalTrackerStore}, with compactions (a new snapshot, a new journal, the old generation deleted)
 * happening all along: opening the directory again gives exactly the first k announces of the victim (a prefix,
 * no hole, nothing after a lost one), k at least every announce the victim had seen made durable by
 * {@link JournalTrackerStore#headSequence()}, the change feed 1..k without a gap, and a store that goes on at
 * k + 1; the files are one snapshot and the journals from its generation on.
 */
class JournalCrashTest {
    /** Announces the victim must have made durable before it is killed. */
    private static final int DURABLE_BEFORE_KILL = 3000;
    /** And compactions it must have done: generation 2 means two snapshots were written. */
    private static final long GENERATION_BEFORE_KILL = 2;
    private static final long VICTIM_DEADLINE_SECONDS = 60;
    private static final Pattern DURABLE = Pattern.compile("durable (\\d+) (\\d+)");
    private static final Pattern SNAPSHOT = Pattern.compile("snapshot-(\\d+)\\.bin");
    private static final Pattern JOURNAL = Pattern.compile("journal-(\\d+)\\.log");
    private static final Pattern TORN = Pattern.compile("journal-(\\d+)\\.log\\.torn-(\\d+)");
    private static final String EOF = "\0eof";

    @TempDir
    Path dir;

    @Test
    void afterASigkillTheStoreHoldsAPrefixOfTheAnnouncesWithEveryDurableOne() throws Exception {
        Path where = dir.resolve("journal");
        Killed killed = killWhenDurable(where, dir.resolve("victim.stderr"));
        List<String> leftByKill = names(where);

        int k;
        long head;
        try (JournalTrackerStore store = new JournalTrackerStore(JournalCrashVictim.settings(where))) {
            List<String> afterOpen = names(where);
            long generation = checkFiles(afterOpen, store.generation(), leftByKill);

            k = checkFeedIsAPrefix(store);
            assertTrue(k >= killed.durable(), "the victim had made announces 0.." + (killed.durable() - 1)
                    + " durable when it was killed, but only " + k + " survived (files left by the kill: "
                    + leftByKill + ")");
            assertTrue(k < JournalCrashVictim.MAX_PEERS, "the victim was killed mid-load");
            assertEquals(new TrackerStatistics(torrentsOf(k), 0, k, 0), store.statistics(),
                    "torrents and peers as the feed says");
            checkCounts(store, k);

            // The store goes on where the journal ended: the next announce is change k + 1.
            store.announce(TestValues.announce(JournalCrashVictim.peer(k), AnnounceEvent.STARTED, 0));
            assertEquals(k + 1, store.headSequence(), "the feed goes on without a gap or a reused number");
            List<Change> next = store.changesSince(k, 10);
            assertEquals(1, next.size());
            assertEquals(k + 1, next.get(0).sequence());
            assertEquals(JournalCrashVictim.peer(k), next.get(0).peer().orElseThrow());

            // The peers themselves, swarm by swarm (not only the feed and the counts): 0..k, no more.
            checkPeersPresent(store, k + 1);
            head = store.headSequence();
            System.out.println("journal SIGKILL: durable 0.." + (killed.durable() - 1) + " (generation "
                    + killed.generation() + ") when killed, survived k=" + k + " (+" + (k - killed.durable())
                    + " past the last durable line); generation at open " + generation + "; files left by the kill "
                    + leftByKill + ", after open " + afterOpen);
        }

        // Opening again after a clean close gives the same store.
        try (JournalTrackerStore again = new JournalTrackerStore(JournalCrashVictim.settings(where))) {
            assertEquals(head, again.headSequence());
            assertEquals(new TrackerStatistics(torrentsOf(k + 1), 0, k + 1, 0), again.statistics());
            assertEquals(JournalCrashVictim.peer(k), again.changesSince(k, 1).get(0).peer().orElseThrow());
        }
    }

    /** What the victim had said when it was killed. */
    private record Killed(int durable, long generation) {
    }

    /**
     * Runs {@link JournalCrashVictim} on {@code where} in a child JVM until it has said that at least
     * {@link #DURABLE_BEFORE_KILL} announces are durable and it has compacted up to generation
     * {@link #GENERATION_BEFORE_KILL}, then kills it with SIGKILL while it goes on announcing.
     */
    private static Killed killWhenDurable(Path where, Path stderr) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                JournalCrashVictim.class.getName(), where.toString())
                .redirectError(stderr.toFile())
                .redirectInput(ProcessBuilder.Redirect.PIPE)
                .start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null;) {
                    lines.add(line);
                }
            } catch (IOException e) {
                lines.add("(reading the victim's output failed: " + e + ")");
            } finally {
                lines.add(EOF);
            }
        }, "crash-victim-stdout");
        reader.setDaemon(true);
        reader.start();
        int durable = 0;
        long generation = 0;
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(VICTIM_DEADLINE_SECONDS);
            while (durable < DURABLE_BEFORE_KILL || generation < GENERATION_BEFORE_KILL) {
                String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (line == null) {
                    fail("the victim did not make " + DURABLE_BEFORE_KILL + " announces durable in generation "
                            + GENERATION_BEFORE_KILL + " within " + VICTIM_DEADLINE_SECONDS + " s (last: durable "
                            + durable + ", generation " + generation + ")" + errors(stderr));
                }
                if (line.equals(EOF)) {
                    fail("the victim ended on its own" + (process.waitFor(10, TimeUnit.SECONDS)
                            ? " with exit code " + process.exitValue() : "") + " after durable " + durable
                            + errors(stderr));
                }
                Matcher m = DURABLE.matcher(line);
                if (!m.matches()) {
                    fail("the victim said \"" + line + "\" after durable " + durable + errors(stderr));
                }
                int n = Integer.parseInt(m.group(1));
                assertEquals(durable + JournalCrashVictim.DURABLE_EVERY, n, "durable lines in order");
                durable = n;
                generation = Long.parseLong(m.group(2));
            }
            assertTrue(process.isAlive(), "the victim was still announcing when it was to be killed"
                    + errors(stderr));
        } finally {
            process.destroyForcibly(); // SIGKILL on Linux
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the victim did not die");
        }
        assertEquals(128 + 9, process.exitValue(), "the victim died of SIGKILL" + errors(stderr));
        String err = Files.readString(stderr);
        List<String> complaints = err.lines().filter(l -> !l.isBlank() && !l.startsWith("Picked up ")
                && !l.startsWith("OpenJDK 64-Bit Server VM warning")).toList();
        assertTrue(complaints.isEmpty(), "the victim wrote to stderr before it was killed:\n" + err);
        return new Killed(durable, generation);
    }

    private static String errors(Path stderr) {
        try {
            String err = Files.readString(stderr);
            return err.isBlank() ? "; nothing on stderr" : "; stderr:\n" + err;
        } catch (IOException e) {
            return "; stderr unreadable: " + e;
        }
    }

    private static List<String> names(Path where) throws IOException {
        try (Stream<Path> files = Files.list(where)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    /**
     * One snapshot, the journals of its generation on without a gap (the newest being the store's generation),
     * no temporary file; a journal's cut tail kept by the open ({@code .torn-OFFSET}) and the store's lock file
     * may be there (a lock held by the killed JVM is gone with it: the open succeeded). Returns the
     * snapshot's generation.
     */
    private static long checkFiles(List<String> names, long storeGeneration, List<String> leftByKill) {
        TreeSet<Long> snapshots = new TreeSet<>();
        TreeSet<Long> journals = new TreeSet<>();
        for (String name : names) {
            Matcher s = SNAPSHOT.matcher(name);
            Matcher j = JOURNAL.matcher(name);
            if (s.matches()) {
                snapshots.add(Long.parseLong(s.group(1)));
            } else if (j.matches()) {
                journals.add(Long.parseLong(j.group(1)));
            } else if (!TORN.matcher(name).matches() && !name.equals("lock")) { // lock: held while a store is open
                fail("after the open the directory holds " + name + ": " + names + " (left by the kill: "
                        + leftByKill + ")");
            }
        }
        String files = names + " (left by the kill: " + leftByKill + ")";
        assertEquals(1, snapshots.size(), "one snapshot: " + files);
        long base = snapshots.first();
        assertTrue(base >= GENERATION_BEFORE_KILL, "the victim had compacted to generation "
                + GENERATION_BEFORE_KILL + ": " + files);
        assertTrue(!journals.isEmpty() && journals.first() == base, "journals from the snapshot's on: " + files);
        assertEquals(journals.last() - base + 1, journals.size(), "no journal missing: " + files);
        assertEquals(journals.last(), storeGeneration, "the store writes the newest journal: " + files);
        return base;
    }

    /** The feed is changes 1..k, change i the PEER_PUT of announce i - 1, and the head is k; returns k. */
    private static int checkFeedIsAPrefix(JournalTrackerStore store) {
        List<Change> feed = store.changesSince(0, Integer.MAX_VALUE);
        for (int i = 0; i < feed.size(); i++) {
            Change c = feed.get(i);
            assertEquals(i + 1, c.sequence(), "gap in the feed after the crash");
            assertEquals(Change.Kind.PEER_PUT, c.kind(), "change " + c.sequence());
            assertEquals(JournalCrashVictim.peer(i), c.peer().orElseThrow(),
                    "change " + c.sequence() + " is not announce " + i + ": not a prefix of the announces");
        }
        assertEquals(feed.size(), store.headSequence(), "head and feed agree");
        return feed.size();
    }

    private static int torrentsOf(int peers) {
        return (peers + JournalCrashVictim.PEERS_PER_TORRENT - 1) / JournalCrashVictim.PEERS_PER_TORRENT;
    }

    /** Scrape counts of every torrent the victim may have reached: full, partly full for the last, absent after. */
    private static void checkCounts(JournalTrackerStore store, int k) {
        int perTorrent = JournalCrashVictim.PEERS_PER_TORRENT;
        List<InfoHash> hashes = IntStream.rangeClosed(0, JournalCrashVictim.MAX_PEERS / perTorrent)
                .mapToObj(TestValues::hash).toList();
        Map<InfoHash, SwarmCounts> counts = store.scrape(hashes);
        assertEquals(torrentsOf(k), counts.size(), "torrents with peers");
        for (int t = 0; t < torrentsOf(k); t++) {
            int expected = Math.min(perTorrent, k - t * perTorrent);
            assertEquals(new SwarmCounts(0, expected, 0), counts.get(TestValues.hash(t)), "torrent " + t);
        }
    }

    /**
     * Reads each swarm's peers (an announce again of its first peer, asking for more peers than a swarm has)
     * and checks that the peers present are exactly peers 0..count-1.
     */
    private static void checkPeersPresent(JournalTrackerStore store, int count) {
        int perTorrent = JournalCrashVictim.PEERS_PER_TORRENT;
        for (int t = 0; t < torrentsOf(count); t++) {
            PeerEntry first = JournalCrashVictim.peer(t * perTorrent);
            AnnounceResult result = store.announce(TestValues.announce(first, AnnounceEvent.NONE, perTorrent * 2));
            Set<PeerEntry> present = new HashSet<>(result.peers());
            assertEquals(result.peers().size(), present.size(), "torrent " + t + ": a peer listed twice");
            present.add(first);
            Set<PeerEntry> expected = IntStream.range(t * perTorrent, Math.min(count, (t + 1) * perTorrent))
                    .mapToObj(JournalCrashVictim::peer).collect(Collectors.toSet());
            if (!expected.equals(present)) {
                Set<PeerEntry> missing = new HashSet<>(expected);
                missing.removeAll(present);
                Set<PeerEntry> extra = new HashSet<>(present);
                extra.removeAll(expected);
                fail("torrent " + t + ": peers missing " + missing + ", peers not announced " + extra);
            }
        }
    }
}
