package org.veilswarm.itests.osgi;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.osgi.service.cm.ConfigurationAdmin;
import org.veilswarm.api.tracker.InfoHash;
import org.veilswarm.api.tracker.SwarmCounts;
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
 * The default tracker feature, {@code tracker-journal}, in a running framework: peers announce over real HTTP on
 * 127.0.0.1 while the journal store's bundle is stopped, started and updated (a new class loader, a new component
 * reading the same directory). With an hour between flushes, announces reach the disk only through the clean stop's
 * write; the record, the peers and the completed counter (which the change feed does not carry) are there after
 * each step, and the tracker answers 503 while no store is bound (docs/tracker-stores.md, "Journal store").
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class JournalStoreUpdateIT extends NodeIT {
    private static final String TRACKER_PID = "org.veilswarm.tracker";
    private static final String JOURNAL_BSN = "org.veilswarm.tracker-store-journal";
    private static final String JOURNAL_PID = "org.veilswarm.tracker.store.journal";
    private static final InfoHash HASH = InfoHash.ofHex("10ca1f11".repeat(5));

    @Configuration
    @Override
    public Option[] config() {
        return VeilswarmOptions.node(getClass(), "core", "transport-direct", "tracker-journal");
    }

    @Test
    public void recordsPeersAndCountersSurviveAStopAndAnUpdateOfTheStoreBundle() throws Exception {
        Bundle journal = node.bundle(JOURNAL_BSN);
        assertNotNull(JOURNAL_BSN + " is not installed\n" + node.describeBundles(), journal);
        ConfigurationAdmin cm = node.awaitService(ConfigurationAdmin.class, null, NodeContext.TIMEOUT);
        Hashtable<String, Object> journalConfig = new Hashtable<>();
        journalConfig.put("flushMillis", 3_600_000);
        NodeContext.configuration(cm, JOURNAL_PID).update(journalConfig);
        TrackerStore store = awaitStore("(&(tracker.store=journal)(flushMillis=3600000))");
        int port = Ports.freeLoopbackPort();
        Hashtable<String, Object> config = new Hashtable<>();
        config.put("port", port);
        NodeContext.configuration(cm, TRACKER_PID).update(config);
        TrackerShares shares = node.awaitService(TrackerShares.class, null, NodeContext.TIMEOUT);
        Await.until("the tracker to listen on 127.0.0.1:" + port, NodeContext.TIMEOUT,
                () -> shares.endpoints().stream().anyMatch(a -> a.port() == port), node::describeBundles);
        TrackerShare share = shares.register(Visibility.PRIVATE, Set.of(HASH));

        TorrentRecord record = new TorrentRecord(HASH, "journal test", "kept across updates", Set.of("itest"), 42,
                List.of("a.bin"), Visibility.PRIVATE, Instant.parse("2026-11-24T19:00:00Z"));
        store.putTorrent(record);
        assertEquals(peers(), announce(port, share, 1, false));
        assertEquals(peers(1), announce(port, share, 2, true));
        Path directory = node.dataDirectory().resolve("tracker").resolve("journal");
        assertTrue("no journal under <data>/tracker/journal/", Files.isRegularFile(directory.resolve("journal-0.log")));

        // 1. Stop the store: 503 at once, no store left behind.
        journal.stop();
        assertTrue("a TrackerStore outlived its stopped bundle", node.references(TrackerStore.class, null).isEmpty());
        RawHttp unavailable = get(port, share, 3, false);
        assertEquals(unavailable.bodyText(), 503, unavailable.status());

        // 2. Start it again: peers 1 and 2 reached the disk through the stop's write, the record through its own.
        journal.start();
        store = awaitStore("(tracker.store=journal)");
        assertEquals(Optional.of(record), store.torrent(HASH));
        assertEquals(peers(1, 2), announce(port, share, 4, false));

        // 3. Update the bundle: a new class loader reads the same files.
        journal.update();
        node.refreshBundles();
        store = awaitStore("(tracker.store=journal)");
        assertEquals(Optional.of(record), store.torrent(HASH));
        assertEquals(peers(1, 2, 4), announce(port, share, 5, false));
        SwarmCounts counts = store.scrape(List.of(HASH)).get(HASH);
        assertEquals("peer 2's completion, counted before the stop and the update", 1, counts.downloaded());
        assertEquals(1, counts.complete());
        assertEquals(3, counts.incomplete());
        assertEquals(1, store.statistics().completed());
    }

    private TrackerStore awaitStore(String filter) {
        return node.awaitService(TrackerStore.class, filter, NodeContext.TIMEOUT);
    }

    /** The peers an announce of {@code peer} gets back, as a set; a 503 while a new store is being bound is retried. */
    private static Set<TransportAddress> announce(int port, TrackerShare share, int peer, boolean completed)
            throws Exception {
        RawHttp answer = get(port, share, peer, completed);
        for (int i = 0; i < 100 && answer.status() == 503; i++) {
            Thread.sleep(100);
            answer = get(port, share, peer, completed);
        }
        assertEquals("announce of peer " + peer + ": " + answer, 200, answer.status());
        return new HashSet<>(AnnounceResponse.parse(answer.body()).peers());
    }

    private static Set<TransportAddress> peers(int... ids) {
        Set<TransportAddress> set = new HashSet<>();
        for (int id : ids) {
            set.add(new TransportAddress("127.0.0.1", 31_000 + id));
        }
        return set;
    }

    private static RawHttp get(int port, TrackerShare share, int peer, boolean completed) throws IOException {
        return RawHttp.get(port, share.announcePath() + "?info_hash=" + PercentEncoding.encodeAll(HASH.bytes())
                + "&peer_id=" + String.format("-VS0001-%012d", peer) + "&port=" + (31_000 + peer)
                + "&uploaded=0&downloaded=0&numwant=50&compact=1"
                + (completed ? "&left=0&event=completed" : "&left=1000"));
    }

}
