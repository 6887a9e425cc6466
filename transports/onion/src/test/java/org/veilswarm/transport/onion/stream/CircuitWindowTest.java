package org.veilswarm.transport.onion.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.veilswarm.transport.onion.cell.Sendme;

/** tor-spec §7.3/§7.4 circuit windows with authenticated SENDMEs, without a network. */
class CircuitWindowTest {
    private static byte[] digest(int cell) {
        byte[] digest = new byte[Sendme.DIGEST_LEN];
        digest[0] = (byte) (cell >> 8);
        digest[1] = (byte) cell;
        return digest;
    }

    /** Sends {@code cells} DATA cells, returning the digests the window asked to remember. */
    private static List<byte[]> send(CircuitWindow window, int cells, int firstCell) {
        List<byte[]> remembered = new ArrayList<>();
        for (int i = 0; i < cells; i++) {
            byte[] digest = window.nextNeedsDigest() ? digest(firstCell + i) : null;
            if (digest != null) {
                remembered.add(digest);
            }
            window.packaged(digest);
        }
        return remembered;
    }

    @Test
    void theDigestOfEveryHundredthCellIsRememberedAndTheWindowClosesAtAThousand() {
        CircuitWindow window = new CircuitWindow();
        List<byte[]> remembered = send(window, 1000, 1);
        assertEquals(10, remembered.size());
        assertArrayEquals(digest(100), remembered.get(0), "the 100th cell, not the 99th or 101st");
        assertArrayEquals(digest(1000), remembered.get(9));
        assertFalse(window.canPackage());
        assertThrows(IllegalStateException.class, () -> window.packaged(null));
    }

    @Test
    void aSendmeEchoingTheOldestDigestAddsOneHundred() throws Exception {
        CircuitWindow window = new CircuitWindow();
        send(window, 1000, 1);
        window.sendmeReceived(Sendme.authenticated(digest(100)));
        assertEquals(100, window.packageWindow());
        window.sendmeReceived(Sendme.authenticated(digest(200)));
        assertEquals(200, window.packageWindow());
        // 200 more cells: the 1100th and 1200th are remembered behind the 300th..1000th.
        List<byte[]> more = send(window, 200, 1001);
        assertEquals(2, more.size());
        assertArrayEquals(digest(1100), more.get(0));
    }

    @Test
    void aWrongDigestAnUnauthenticatedSendmeOrOneNotDueIsAProtocolViolation() {
        CircuitWindow fresh = new CircuitWindow();
        assertThrows(StreamProtocolException.class, () -> fresh.sendmeReceived(Sendme.authenticated(digest(100))),
                "nothing sent yet: no SENDME is due");

        CircuitWindow window = new CircuitWindow();
        send(window, 100, 1);
        byte[] wrong = digest(100);
        wrong[19] ^= 1;
        assertThrows(StreamProtocolException.class, () -> window.sendmeReceived(Sendme.authenticated(wrong)));

        CircuitWindow v0 = new CircuitWindow();
        send(v0, 100, 1);
        assertThrows(StreamProtocolException.class, () -> v0.sendmeReceived(Sendme.UNAUTHENTICATED));
    }

    @Test
    void theReceiverOwesASendmeAfterEveryHundredthCellAndRefusesTheThousandAndFirst() throws Exception {
        CircuitWindow window = new CircuitWindow();
        int due = 0;
        for (int i = 1; i <= 1000; i++) {
            if (window.dataReceived()) {
                due++;
                assertEquals(0, i % 100, "a SENDME is due exactly at the 100th, 200th, ... cell");
                window.sendmeOwed(digest(i));
            }
        }
        assertEquals(10, due);
        assertEquals(0, window.deliverWindow(), "nothing sent yet: the window is used up");
        assertThrows(StreamProtocolException.class, window::dataReceived);
        window.consumed(1000);
        for (int i = 1; i <= 10; i++) {
            assertArrayEquals(digest(100 * i), window.nextSendme(), "owed SENDMEs go out oldest first");
        }
        assertEquals(null, window.nextSendme());
        assertEquals(1000, window.deliverWindow(), "the SENDMEs we sent reopened our deliver window");
    }

    @Test
    void sendmesWaitWhileMoreThanTheInboundBudgetIsUnconsumed() throws Exception {
        CircuitWindow window = new CircuitWindow();
        int sent = 0;
        int received = 0;
        // Nothing is consumed: SENDMEs go out until the budget is exceeded, then the window runs dry.
        while (window.deliverWindow() > 0) {
            received++;
            if (window.dataReceived()) {
                window.sendmeOwed(digest(received));
            }
            while (window.nextSendme() != null) {
                sent++;
            }
        }
        assertEquals(CircuitWindow.INBOUND_BUDGET + CircuitWindow.START, received,
                "unread cells are bounded by the budget plus one circuit window");
        assertEquals(CircuitWindow.INBOUND_BUDGET / CircuitWindow.INCREMENT, sent);
        assertEquals(null, window.nextSendme(), "held back while over budget");

        window.consumed(received - CircuitWindow.INBOUND_BUDGET);
        int released = 0;
        while (window.nextSendme() != null) {
            released++;
        }
        assertEquals(CircuitWindow.START / CircuitWindow.INCREMENT, released, "consuming releases the owed SENDMEs");
        assertEquals(CircuitWindow.START, window.deliverWindow());
    }
}
