package org.veilswarm.transport.onion.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** tor-spec §7.4 stream windows, without a network. */
class StreamWindowTest {
    @Test
    void fiveHundredCellsThenNothingUntilASendme() {
        StreamWindow window = new StreamWindow();
        for (int i = 0; i < 500; i++) {
            assertTrue(window.canPackage());
            window.packaged();
        }
        assertFalse(window.canPackage());
        assertTrue(window.sendmeReceived());
        assertEquals(50, window.packageWindow());
    }

    @Test
    void aSendmeBeyondTheStartIsRefused() {
        StreamWindow window = new StreamWindow();
        assertFalse(window.sendmeReceived(), "nothing sent: a SENDME would open the window past 500");
        window.packaged();
        assertFalse(window.sendmeReceived(), "one cell out: +50 would still pass 500");
    }

    @Test
    void aSendmeGoesOutPerFiftyConsumedCellsAndTheWindowBoundsWhatArrives() {
        StreamWindow window = new StreamWindow();
        for (int i = 0; i < 500; i++) {
            assertTrue(window.dataReceived());
        }
        assertFalse(window.dataReceived(), "the 501st cell without a SENDME breaks the window");
        assertEquals(0, window.consumed(49));
        assertEquals(1, window.consumed(1));
        assertTrue(window.dataReceived(), "the SENDME we owed reopened 50 cells");
        assertEquals(9, window.consumed(450));
    }
}
