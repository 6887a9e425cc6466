package org.veilswarm.transport.onion.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.veilswarm.transport.onion.cell.StreamFlow;

/** Proposal 324 §4.1's stream flow control: when XOFF and XON go out, and what they do to the sender. */
class XonXoffFlowTest {
    @Test
    void xoffGoesOutOnceMoreThanTheLimitWaitsAndXonWhenTheReaderHasTakenEverything() {
        XonXoffFlow flow = new XonXoffFlow();
        for (int queued = 1; queued <= XonXoffFlow.XOFF_LIMIT; queued++) {
            assertNull(flow.queued(queued), "no XOFF at " + queued + " queued");
        }
        assertEquals(StreamFlow.XOFF, flow.queued(XonXoffFlow.XOFF_LIMIT + 1));
        assertNull(flow.queued(XonXoffFlow.XOFF_LIMIT + 2), "one XOFF until an XON");
        assertNull(flow.drained(10), "not while cells still wait");
        assertEquals(StreamFlow.XON_UNLIMITED, flow.drained(0));
        assertNull(flow.drained(0), "one XON per XOFF");
    }

    @Test
    void theSenderStopsOnXoffAndGoesOnAtXon() {
        XonXoffFlow flow = new XonXoffFlow();
        for (int i = 0; i < XonXoffFlow.XOFF_LIMIT; i++) {
            assertTrue(flow.canPackage());
            flow.packaged();
        }
        assertTrue(flow.flowReceived(StreamFlow.XOFF));
        assertFalse(flow.canPackage());
        assertTrue(flow.flowReceived(StreamFlow.xon(1234)));
        assertTrue(flow.canPackage(), "the advised rate is not used; XON lets the stream go on");
    }

    @Test
    void anXoffBeforeTheLimitWasSentIsRefused() {
        XonXoffFlow flow = new XonXoffFlow();
        for (int i = 0; i < XonXoffFlow.XOFF_LIMIT - 1; i++) {
            flow.packaged();
        }
        assertFalse(flow.flowReceived(StreamFlow.XOFF), "§4.1.4: no XOFF before cc_xoff_client cells were sent");
    }

    @Test
    void streamSendmesAreAViolationAndNoneAreOwed() {
        XonXoffFlow flow = new XonXoffFlow();
        assertFalse(flow.sendmeReceived());
        assertTrue(flow.dataReceived());
        assertEquals(0, flow.consumed(1000));
    }

    @Test
    void fixedWindowStreamsIgnoreXonAndXoff() {
        StreamWindow window = new StreamWindow();
        assertTrue(window.flowReceived(StreamFlow.XOFF));
        assertTrue(window.canPackage());
        assertNull(window.queued(10_000));
        assertNull(window.drained(0));
    }
}
