package org.veilswarm.share.impl;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.Test;
import org.veilswarm.api.transport.TransportException;
import org.veilswarm.api.transport.TransportException.Reason;

/** Which failures of a download by onion link are worth asking the source again for (within the peer wait). */
class TransientOnionFailureTest {

    @Test
    void aRequestWhoseStreamOpenedButGotNoAnswerInTimeIsAskedAgain() {
        // As the tracker client reports it, wrapped by the future that carried it (seen in a CI run of
        // ShareAcrossTestnetIT: the download failed at once on this).
        assertTrue(DownloadService.transientOnionFailure(new CompletionException(new TimeoutException(
                "tracker http://x.onion:1/private/t/mirror/snapshot did not answer within PT30S"))));
    }

    @Test
    void circuitsThatFailedOnTheWayAndServicesNotFoundYetAreAskedAgain() {
        for (Reason reason : new Reason[] {Reason.NOT_FOUND, Reason.TIMEOUT, Reason.OTHER, Reason.RESOURCE_LIMIT,
                Reason.REFUSED}) {
            assertTrue(DownloadService.transientOnionFailure(new CompletionException(
                    new TransportException(reason, "injected"))), reason.toString());
        }
    }

    @Test
    void protocolErrorsClosedTransportsClientAuthorizationAndOtherErrorsAreFinal() {
        for (Reason reason : new Reason[] {Reason.PROTOCOL, Reason.CLOSED, Reason.UNSUPPORTED_ADDRESS}) {
            assertFalse(DownloadService.transientOnionFailure(new TransportException(reason, "injected")),
                    reason.toString());
        }
        assertFalse(DownloadService.transientOnionFailure(new TransportException(Reason.REFUSED,
                "CLIENT_AUTHORIZATION_REQUIRED: client authorization required for x.onion:1 (no key)")));
        assertFalse(DownloadService.transientOnionFailure(new IllegalStateException("a malformed answer")));
    }
}
