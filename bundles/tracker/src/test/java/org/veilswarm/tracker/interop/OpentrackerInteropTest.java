package org.veilswarm.tracker.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veilswarm.api.tracker.AnnounceEvent;
import org.veilswarm.api.tracker.InfoHash;
import org.veilswarm.api.tracker.SwarmCounts;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.tracker.protocol.AnnounceRequest;
import org.veilswarm.tracker.protocol.AnnounceResponse;
import org.veilswarm.tracker.protocol.TrackerClient;
import org.veilswarm.tracker.protocol.TrackerFailureException;
import org.veilswarm.tracker.protocol.TrackerUrl;
import org.veilswarm.transport.direct.impl.DirectTransportEngine;
import org.veilswarm.transport.direct.impl.DirectTransportSettings;

/** Our TrackerClient against a real opentracker on loopback. */
class OpentrackerInteropTest {
    /** Contains the bytes a sloppy encoder gets wrong: space, '+', '%', '&', '=', '~', and high bytes. */
    static final InfoHash TRICKY = InfoHash.ofHex("202b25263d7e00ff2b2041ff7f802b2b20203031");

    @TempDir
    Path dir;

    private static AnnounceRequest announce(InfoHash hash, int peer, int port, long left, AnnounceEvent event) {
        return new AnnounceRequest(hash, String.format("-VS0001-%012d", peer).getBytes(), port, 0, 0, left, event,
                OptionalInt.of(50), true, false, Optional.empty());
    }

    /**
     * opentracker loads its whitelist on a background thread after it starts listening; until then every
     * announce is "not authorized". Retry that one refusal for a few seconds.
     */
    static AnnounceResponse firstAnnounce(TrackerClient client, TrackerUrl url, AnnounceRequest request)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (true) {
            try {
                return client.announce(url, request).get(10, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TrackerFailureException f && f.reason().contains("not authorized"))
                        || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    @Test
    void announcesAreUnderstoodByteExactlyAndTheCompactPeerListParses() throws Exception {
        InfoHash unlisted = InfoHash.ofHex("00112233445566778899aabbccddeeff00112233");
        try (Opentracker opentracker = new Opentracker(dir, List.of(TRICKY));
                DirectTransportEngine engine = new DirectTransportEngine(DirectTransportSettings.defaults())) {
            TrackerClient client = new TrackerClient(engine::connect, Duration.ofSeconds(10));
            TrackerUrl url = TrackerUrl.parse("http://127.0.0.1:" + opentracker.port + "/announce");

            AnnounceResponse first = firstAnnounce(client, url, announce(TRICKY, 1, 7001, 100, AnnounceEvent.STARTED));
            // opentracker lists the announcing peer itself: proof that it stored our address under TRICKY.
            assertEquals(List.of(new TransportAddress("127.0.0.1", 7001)), first.peers());
            assertTrue(first.interval() > 0 && first.minInterval() > 0, first.toString());

            AnnounceResponse second = client.announce(url, announce(TRICKY, 2, 7002, 0, AnnounceEvent.STARTED))
                    .get(10, TimeUnit.SECONDS);
            assertEquals(Set.of(new TransportAddress("127.0.0.1", 7001), new TransportAddress("127.0.0.1", 7002)),
                    Set.copyOf(second.peers()));
            assertEquals(1, second.complete());
            assertEquals(1, second.incomplete());

            Map<InfoHash, SwarmCounts> scrape = client.scrape(url.scrape(), List.of(TRICKY)).get(10, TimeUnit.SECONDS);
            assertEquals(new SwarmCounts(1, 1, 0), scrape.get(TRICKY));

            ExecutionException refused = assertThrows(ExecutionException.class,
                    () -> client.announce(url, announce(unlisted, 3, 7003, 5, AnnounceEvent.STARTED))
                            .get(10, TimeUnit.SECONDS));
            assertInstanceOf(TrackerFailureException.class, refused.getCause(), "not on the whitelist");
        }
    }
}
