package org.veilswarm.itests.osgi;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.time.Instant;
import java.util.HashSet;
import java.util.Hashtable;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;
import org.veilswarm.api.tracker.InfoHash;
import org.veilswarm.api.tracker.TorrentRecord;
import org.veilswarm.api.tracker.TrackerStore;
import org.veilswarm.api.tracker.Visibility;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.itests.support.Await;
import org.veilswarm.itests.support.NodeContext;
import org.veilswarm.itests.support.NodeIT;
import org.veilswarm.itests.support.Ports;
import org.veilswarm.itests.support.RawHttp;
import org.veilswarm.itests.support.VeilswarmOptions;
import org.veilswarm.tracker.api.TrackerShare;
import org.veilswarm.tracker.api.TrackerShares;
import org.veilswarm.tracker.protocol.AnnounceResponse;
import org.veilswarm.tracker.protocol.PercentEncoding;

/**
 * Issue 7, "swapping the store bundle at runtime keeps the data": a node with the direct transport, the tracker
 * and both stores (JDBC on H2 in the test's data directory, and memory). Peers announce over real HTTP on
 * 127.0.0.1 while the JDBC store bundle is stopped, started, updated, and swapped with the memory store. The
 * tracker stays up throughout; with no store it answers 503 at once; the JDBC data survive every swap; what the
 * memory store held is not in the JDBC store (docs/tracker-stores.md).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class TrackerStoreSwapIT extends NodeIT {
    private static final String TRACKER_PID = "org.veilswarm.tracker";
    private static final String JDBC_BSN = "org.veilswarm.tracker-store-jdbc";
    private static final String JDBC_PID = "org.veilswarm.tracker.store.jdbc";
    private static final String MEMORY_BSN = "org.veilswarm.tracker-store-memory";
    private static final InfoHash HASH = InfoHash.ofHex("5ca1ab1e".repeat(5));
    /** The torrent a background client announces during the swaps (its peers stay out of HASH's lists). */
    private static final InfoHash BUSY = InfoHash.ofHex("b0bacafe".repeat(5));

    @Configuration
    @Override
    public Option[] config() {
        return VeilswarmOptions.node(getClass(), "core", "transport-direct", "tracker", "tracker-store-memory");
    }

    @Test
    public void announcesKeepWorkingAndJdbcDataSurviveStoreSwaps() throws Exception {
        Bundle jdbc = node.bundle(JDBC_BSN);
        Bundle memory = node.bundle(MEMORY_BSN);
        assertNotNull(JDBC_BSN + " is not installed\n" + node.describeBundles(), jdbc);
        assertNotNull(MEMORY_BSN + " is not installed\n" + node.describeBundles(), memory);
        memory.stop();

        int port = Ports.freeLoopbackPort();
        ConfigurationAdmin cm = node.awaitService(ConfigurationAdmin.class, null, NodeContext.TIMEOUT);
        // The JDBC store writes announces behind its answers (docs/tracker-stores.md, "Write-behind"). An hour
        // between flushes: announces reach the database only through the paths that flush on their own, here
        // the documented flush of a clean stop ("Crash behaviour": a stopped, updated or reconfigured store
        // writes its queue before the pool closes). Steps 3, 4 and 6 check exactly that contract rather than
        // depending on the flusher thread having run in time.
        Hashtable<String, Object> jdbcConfig = new Hashtable<>();
        jdbcConfig.put("writeBehindMillis", 3_600_000);
        NodeContext.configuration(cm, JDBC_PID).update(jdbcConfig);
        awaitStore("(&(tracker.store=jdbc)(writeBehindMillis=3600000))"); // the component restarted with it
        Hashtable<String, Object> config = new Hashtable<>();
        config.put("port", port);
        NodeContext.configuration(cm, TRACKER_PID).update(config);
        TrackerShares shares = awaitTracker(port);
        TrackerShare share = shares.register(Visibility.PRIVATE, Set.of(HASH));
        // 1. JDBC store alone: announces are recorded in H2.
        TrackerStore h2 = awaitStore("(tracker.store=jdbc)");
        TorrentRecord record = new TorrentRecord(HASH, "swap test", "kept across swaps", Set.of("itest"), 42,
                List.of("a.bin"), Visibility.PRIVATE, Instant.parse("2026-11-22T04:00:00Z"));
        h2.putTorrent(record);
        assertEquals(peers(), announce(port, share, 1));
        assertEquals(peers(1), announce(port, share, 2));
        assertTrue("the H2 database is not under <data>/tracker/",
                node.dataDirectory().resolve("tracker").resolve("tracker.mv.db").toFile().isFile());

        // A client announcing all along steps 2-4: every request gets an answer, 200 or 503, never a hang or a
        // dropped stream.
        TrackerShare busy = shares.register(Visibility.PUBLIC, Set.of(BUSY));
        BackgroundAnnouncer background = new BackgroundAnnouncer(port, busy);
        background.start();

        // 2. Stop the JDBC store: the tracker still answers, at once, with 503 and a failure reason.
        jdbc.stop();
        assertTrue("a TrackerStore outlived its stopped bundle", node.references(TrackerStore.class, null).isEmpty());
        // A hang would end in the socket's read timeout and fail the test.
        RawHttp unavailable = get(port, share, 3);
        assertEquals(unavailable.bodyText(), 503, unavailable.status());
        assertTrue(unavailable.bodyText(), unavailable.bodyText().contains("tracker store unavailable"));

        // 3. Start it again: same data (peers 1 and 2, the record), the tracker uses it without a restart. The
        //    peers were answered from the write-behind view; only the stop's flush put them in the database.
        jdbc.start();
        awaitStore("(tracker.store=jdbc)");
        assertEquals("peers 1 and 2 were not written by the clean stop", peers(1, 2), announce(port, share, 4));

        // 4. Update the bundle (new class loader, new component): the data are still there.
        jdbc.update();
        node.refreshBundles();
        h2 = awaitStore("(tracker.store=jdbc)");
        assertEquals(Optional.of(record), awaitAnnounceable(port, share).torrent(HASH));
        assertEquals(peers(1, 2, 4), announce(port, share, 5));
        background.finish();
        assertTrue("the background client got no answer at all", background.answered > 0);
        assertEquals("answers other than 200/503, or errors, during the swaps: " + background.unexpected, 0,
                background.unexpected.size());

        // 5. Swap to memory: with both present, JDBC (service.ranking 10) stays bound ...
        memory.start();
        awaitStore("(tracker.store=memory)");
        assertEquals(peers(1, 2, 4, 5), announce(port, share, 6));
        // ... and while JDBC is away the tracker falls back to memory, which knows nothing of the JDBC data.
        jdbc.stop();
        assertEquals(peers(), announce(port, share, 7));
        assertEquals(peers(7), announce(port, share, 8));
        TrackerStore inMemory = awaitStore("(tracker.store=memory)");
        assertFalse("the memory store cannot know the JDBC store's record", inMemory.torrent(HASH).isPresent());

        // 6. JDBC back: it is bound again (higher ranking) with everything it had; peers 7 and 8 stayed in memory.
        jdbc.start();
        h2 = awaitStore("(tracker.store=jdbc)");
        assertEquals(peers(1, 2, 4, 5, 6), announce(port, share, 9));
        assertEquals(Optional.of(record), h2.torrent(HASH));
        assertEquals(6, h2.scrape(List.of(HASH)).get(HASH).incomplete());

        // 7. Choose the memory store by configuration: the component restarts (shares are registered again),
        //    and the memory store's own peers are served.
        config.put("store.target", "(tracker.store=memory)");
        NodeContext.configuration(cm, TRACKER_PID).update(config);
        TrackerShares restarted = awaitNewTracker(shares, port);
        restarted.restore(share.token(), share.visibility(), share.infoHashes());
        assertEquals(peers(7, 8), announce(port, share, 10));
        assertEquals(6, h2.scrape(List.of(HASH)).get(HASH).incomplete());
    }

    /** Announces {@link #BUSY} in a loop until told to finish; records what was not a 200 or a 503. */
    private static final class BackgroundAnnouncer extends Thread {
        private final int port;
        private final TrackerShare share;
        private volatile boolean stop;
        volatile int answered;
        final List<String> unexpected = new java.util.concurrent.CopyOnWriteArrayList<>();

        BackgroundAnnouncer(int port, TrackerShare share) {
            super("itest-background-announcer");
            this.port = port;
            this.share = share;
        }

        @Override
        public void run() {
            for (int i = 0; !stop; i++) {
                String target = share.announcePath() + "?info_hash=" + PercentEncoding.encodeAll(BUSY.bytes())
                        + "&peer_id=" + String.format("-VS0001-%012d", i % 50) + "&port=" + (40_000 + i % 50)
                        + "&uploaded=0&downloaded=0&left=0&compact=1";
                try {
                    int status = RawHttp.get(port, target).status();
                    if (status != 200 && status != 503) {
                        unexpected.add("HTTP " + status);
                    }
                    answered++;
                } catch (IOException e) {
                    unexpected.add(e.toString());
                }
            }
        }

        void finish() throws InterruptedException {
            stop = true;
            join(30_000);
        }
    }

    /** The tracker's service once it listens on {@code port}. */
    private TrackerShares awaitTracker(int port) {
        TrackerShares shares = node.awaitService(TrackerShares.class, null, NodeContext.TIMEOUT);
        Await.until("the tracker to listen on 127.0.0.1:" + port, NodeContext.TIMEOUT,
                () -> shares.endpoints().stream().anyMatch(a -> a.port() == port),
                () -> shares.endpoints() + "\n" + node.describeBundles());
        return shares;
    }

    /** A tracker service other than {@code old}, listening on {@code port}. */
    private TrackerShares awaitNewTracker(TrackerShares old, int port) {
        TrackerShares[] found = new TrackerShares[1];
        Await.until("a restarted tracker listening on " + port, NodeContext.TIMEOUT, () -> {
            ServiceReference<TrackerShares> ref = context.getServiceReference(TrackerShares.class);
            TrackerShares now = ref == null ? null : context.getService(ref);
            found[0] = now;
            return now != null && now != old && now.endpoints().stream().anyMatch(a -> a.port() == port);
        }, node::describeBundles);
        return found[0];
    }

    private TrackerStore awaitStore(String filter) {
        return node.awaitService(TrackerStore.class, filter, NodeContext.TIMEOUT);
    }

    /** The JDBC store once the tracker answers with it again (binding follows registration closely, not at once). */
    private TrackerStore awaitAnnounceable(int port, TrackerShare share) throws IOException {
        TrackerStore store = awaitStore("(tracker.store=jdbc)");
        String target = share.pathPrefix() + "scrape";
        Await.until("the tracker to answer scrapes again", NodeContext.TIMEOUT, () -> {
            try {
                return RawHttp.get(port, target).status() == 200;
            } catch (IOException e) {
                return false;
            }
        }, node::describeBundles);
        return store;
    }

    /** The peers an announce of {@code peer} gets back, as a set: stores pick peers in random order. */
    private Set<TransportAddress> announce(int port, TrackerShare share, int peer) throws Exception {
        // Binding a newly registered store follows its registration asynchronously: retry a 503 briefly.
        RawHttp answer = get(port, share, peer);
        for (int i = 0; i < 100 && answer.status() == 503; i++) {
            Thread.sleep(100);
            answer = get(port, share, peer);
        }
        assertEquals("announce of peer " + peer + ": " + answer, 200, answer.status());
        return new HashSet<>(AnnounceResponse.parse(answer.body()).peers());
    }

    private static Set<TransportAddress> peers(int... ids) {
        Set<TransportAddress> set = new HashSet<>();
        for (int id : ids) {
            set.add(new TransportAddress("127.0.0.1", 30_000 + id));
        }
        return set;
    }

    private static RawHttp get(int port, TrackerShare share, int peer) throws IOException {
        return RawHttp.get(port, share.announcePath() + "?info_hash=" + PercentEncoding.encodeAll(HASH.bytes())
                + "&peer_id=" + String.format("-VS0001-%012d", peer) + "&port=" + (30_000 + peer)
                + "&uploaded=0&downloaded=0&left=1000&numwant=50&compact=1");
    }

}
