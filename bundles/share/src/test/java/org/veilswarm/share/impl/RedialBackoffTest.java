package org.veilswarm.share.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.veilswarm.api.transport.TransportAddress;

class RedialBackoffTest {
    private long now = 1_000_000_000L;
    private final RedialBackoff backoff = new RedialBackoff(() -> now);
    private final TransportAddress peer = new TransportAddress("127.0.0.1", 6881);
    private final TransportAddress other = new TransportAddress("127.0.0.1", 6882);

    private void advance(Duration d) {
        now += d.toNanos();
    }

    @Test
    void aNewPeerIsDialledAtOnceAndOnlyOnceWhileTheDialIsInFlight() {
        assertTrue(backoff.claim(peer));
        assertFalse(backoff.claim(peer), "one dial in flight per peer");
        assertTrue(backoff.claim(other), "peers are independent");
        advance(Duration.ofMinutes(2));
        assertFalse(backoff.claim(peer), "still in flight");
        advance(RedialBackoff.IN_FLIGHT_LIMIT);
        assertTrue(backoff.claim(peer), "a dial that never reported back is taken as lost");
    }

    @Test
    void failuresInARowDoubleThePauseFromFiveSecondsUpToAMinute() {
        long[] expectedSeconds = {5, 10, 20, 40, 60}; // the fifth: 80 s capped at MAX
        for (int i = 0; i < expectedSeconds.length; i++) {
            assertTrue(backoff.claim(peer), "dial " + (i + 1));
            backoff.failed(peer);
            assertEquals(i + 1, backoff.failures(peer));
            advance(Duration.ofSeconds(expectedSeconds[i]).minusMillis(1));
            assertFalse(backoff.claim(peer), "before the pause after failure " + (i + 1) + " ends");
            advance(Duration.ofMillis(1));
        }
        assertTrue(backoff.claim(peer));
    }

    @Test
    void afterSixFailuresInARowOnlyANewTrackerAnswerBringsAnotherDial() {
        for (int i = 0; i < RedialBackoff.GIVE_UP_AFTER; i++) {
            assertTrue(backoff.claim(peer), "dial " + (i + 1));
            backoff.failed(peer);
            advance(RedialBackoff.MAX);
        }
        advance(Duration.ofHours(1));
        assertFalse(backoff.claim(peer), "given up on");
        backoff.listedAgain(peer);
        assertTrue(backoff.claim(peer), "listed by the tracker again: one more dial");
        backoff.failed(peer);
        advance(Duration.ofHours(1));
        assertFalse(backoff.claim(peer), "and no more until the next answer");
        backoff.listedAgain(other); // unknown peers stay unknown
        assertEquals(0, backoff.failures(other));
        backoff.listedAgain(peer);
        assertTrue(backoff.claim(peer));
        backoff.connected(peer);
        assertEquals(0, backoff.failures(peer), "a peer that answers is a peer again");
    }

    @Test
    void aConnectionForgetsTheFailuresAndTheNextDialComesAfterTheFirstPause() {
        backoff.claim(peer);
        backoff.failed(peer);
        advance(RedialBackoff.FIRST);
        backoff.claim(peer);
        backoff.failed(peer);
        advance(Duration.ofSeconds(10));
        assertTrue(backoff.claim(peer));
        backoff.connected(peer);
        assertEquals(0, backoff.failures(peer));
        assertFalse(backoff.claim(peer), "a peer that keeps closing our connections is not dialled in a loop");
        advance(RedialBackoff.FIRST);
        assertTrue(backoff.claim(peer));
        backoff.failed(peer);
        advance(RedialBackoff.FIRST);
        assertTrue(backoff.claim(peer), "the pause starts again from the first");
    }
}
