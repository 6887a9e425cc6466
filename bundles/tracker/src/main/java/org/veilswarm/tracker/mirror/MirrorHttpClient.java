package org.veilswarm.tracker.mirror;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import org.veilswarm.tracker.http.StreamGet;
import org.veilswarm.tracker.protocol.StreamConnector;

import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.FullHttpResponse;

/**
 * One GET per stream over any transport, with a bound on the answer's size (checked against
 * {@code Content-Length} before the body arrives, and while it arrives) and a deadline for the whole exchange,
 * so that a source that sends too much or stalls costs the mirror one bounded buffer and one timer.
 */
final class MirrorHttpClient {
    private final StreamConnector connector;

    MirrorHttpClient(StreamConnector connector) {
        this.connector = connector;
    }

    /** An HTTP status and body. */
    record Answer(int status, byte[] body) {
    }

    CompletableFuture<Answer> get(MirrorLink link, String target, int maxBytes, Duration timeout) {
        return StreamGet.get(connector, link.endpoint(), link.hostHeader(), null, target, maxBytes, timeout,
                new StreamGet.Outcomes<>() {
                    @Override
                    public Answer answer(FullHttpResponse response) throws MirrorException {
                        if (response.decoderResult().isFailure()) {
                            throw new MirrorException("incomplete (truncated?) or malformed HTTP answer from "
                                    + link.source() + ": " + response.decoderResult().cause());
                        }
                        return new Answer(response.status().code(), ByteBufUtil.getBytes(response.content()));
                    }

                    @Override
                    public Throwable connectFailed(Throwable cause) {
                        return new MirrorException("cannot reach " + link.endpoint() + ": " + cause, cause);
                    }

                    @Override
                    public Throwable sendFailed(Throwable cause) {
                        return new MirrorException("cannot send to " + link.endpoint() + ": " + cause, cause);
                    }

                    @Override
                    public Throwable closedEarly() {
                        return new MirrorException("source " + link.source()
                                + " closed the stream before a complete answer (truncated)");
                    }

                    @Override
                    public Throwable failed(Throwable cause) {
                        return cause instanceof TooLongFrameException
                                ? new MirrorException("answer from " + link.source() + " exceeds the limit of "
                                        + maxBytes + " bytes (oversized)", cause)
                                : cause instanceof PrematureChannelClosureException
                                        ? new MirrorException("source " + link.source()
                                                + " closed the stream in the middle of its answer (truncated)", cause)
                                        : new MirrorException("stream to " + link.source() + " failed: " + cause,
                                                cause);
                    }

                    @Override
                    public Throwable timedOut() {
                        return new MirrorException("source " + link.source() + " did not answer within " + timeout
                                + " (stalled)");
                    }
                });
    }
}
