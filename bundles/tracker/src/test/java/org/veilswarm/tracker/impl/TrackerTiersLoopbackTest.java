package org.veilswarm.tracker.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.veilswarm.api.tracker.AnnounceEvent;
import org.veilswarm.api.transport.Listener;
import org.veilswarm.tracker.protocol.AnnounceRequest;
import org.veilswarm.tracker.protocol.TrackerTiers;
import org.veilswarm.tracker.protocol.TrackerUrl;

/**
 * BEP 12 over real TCP on 127.0.0.1: two running trackers (the source and a mirror of one torrent, say) and
 * one that is down (a port whose listener was closed, so connections are refused).
 */
class TrackerTiersLoopbackTest {
    private final LoopbackTracker first;
    private final LoopbackTracker second;
    private final TrackerUrl down;

    TrackerTiersLoopbackTest() throws Exception {
        first = new LoopbackTracker(new TrackerFixture());
        second = new LoopbackTracker(new TrackerFixture());
        Listener closed = first.engine.listen(null, 0, new TrackerServerInitializer(first.fixture.service))
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
        down = TrackerUrl.parse("http://127.0.0.1:" + closed.address().port() + first.fixture.announcePath());
        closed.close();
    }

    @AfterEach
    void close() {
        first.close();
        second.close();
    }

    private static AnnounceRequest request(int peer) {
        return new AnnounceRequest(TrackerFixture.HASH, String.format("-VS0001-%012d", peer).getBytes(), 7000 + peer,
                0, 0, 100, AnnounceEvent.STARTED, OptionalInt.of(50), true, false, Optional.empty());
    }

    @Test
    void aTrackerThatIsDownIsSkippedAndTheOneThatAnsweredMovesToTheFrontOfItsTier() throws Exception {
        for (long seed = 0; seed < 4; seed++) {
            TrackerTiers tiers = new TrackerTiers(List.of(List.of(down, first.announceUrl())), new SplittableRandom(seed));
            TrackerTiers.Answer answer = tiers.announce(first.client, request(1)).get(10, TimeUnit.SECONDS);
            assertEquals(first.announceUrl(), answer.tracker());
            assertEquals(List.of(List.of(first.announceUrl(), down)), tiers.tiers());
        }
    }

    @Test
    void failsOverToTheNextTierAndKeepsUsingTheTrackerThatAnswered() throws Exception {
        TrackerTiers tiers = new TrackerTiers(List.of(List.of(down), List.of(first.announceUrl(),
                second.announceUrl())), new SplittableRandom(7));
        TrackerUrl preferred = tiers.tiers().get(1).get(0);
        long firstBefore = first.fixture.service.announces();
        long secondBefore = second.fixture.service.announces();
        for (int i = 0; i < 3; i++) {
            TrackerTiers.Answer answer = tiers.announce(first.client, request(i)).get(10, TimeUnit.SECONDS);
            assertEquals(preferred, answer.tracker(), "the tier's first tracker answered and stays first");
        }
        long toFirst = first.fixture.service.announces() - firstBefore;
        long toSecond = second.fixture.service.announces() - secondBefore;
        assertEquals(3, toFirst + toSecond);
        assertEquals(3, preferred.equals(first.announceUrl()) ? toFirst : toSecond, "all went to one tracker");
        assertEquals(List.of(down), tiers.tiers().get(0), "a tier that never answered keeps its order");

        // The preferred tracker goes away: the other one of its tier answers and becomes first.
        LoopbackTracker gone = preferred.equals(first.announceUrl()) ? first : second;
        TrackerUrl other = preferred.equals(first.announceUrl()) ? second.announceUrl() : first.announceUrl();
        gone.listener.close();
        TrackerTiers.Answer answer = tiers.announce(other.equals(first.announceUrl()) ? first.client : second.client,
                request(9)).get(10, TimeUnit.SECONDS);
        assertEquals(other, answer.tracker());
        assertEquals(List.of(other, preferred), tiers.tiers().get(1));
    }

    @Test
    void whenEveryTrackerFailsTheLastFailureIsTheCauseAndTheOthersAreSuppressed() throws Exception {
        TrackerUrl alsoDown = TrackerUrl.parse(down.toString().replace("/public/", "/private/"));
        TrackerTiers tiers = new TrackerTiers(List.of(List.of(down), List.of(alsoDown)), new SplittableRandom(1));
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> tiers.announce(first.client, request(1)).get(10, TimeUnit.SECONDS));
        assertInstanceOf(IOException.class, e.getCause(), String.valueOf(e.getCause()));
        assertEquals(1, e.getCause().getSuppressed().length);
    }

    @Test
    void eachTierIsShuffledAndKeepsItsTrackers() {
        List<TrackerUrl> tier = List.of(first.announceUrl(), second.announceUrl(), down,
                TrackerUrl.parse("http://127.0.0.1:1/a"), TrackerUrl.parse("http://127.0.0.1:2/b"));
        Set<List<TrackerUrl>> orders = new HashSet<>();
        for (long seed = 0; seed < 30; seed++) {
            List<TrackerUrl> shuffled = new TrackerTiers(List.of(tier), new SplittableRandom(seed)).tiers().get(0);
            assertEquals(Set.copyOf(tier), Set.copyOf(shuffled));
            assertEquals(tier.size(), shuffled.size());
            orders.add(shuffled);
        }
        assertTrue(orders.size() > 10, "30 shuffles of 5 trackers gave only " + orders.size() + " orders");
        assertThrows(IllegalArgumentException.class, () -> new TrackerTiers(List.of(), new SplittableRandom(1)));
        assertThrows(IllegalArgumentException.class,
                () -> new TrackerTiers(List.of(List.of(down), List.of()), new SplittableRandom(1)));
    }
}
