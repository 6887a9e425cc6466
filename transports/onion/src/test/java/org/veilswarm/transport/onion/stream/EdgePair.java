package org.veilswarm.transport.onion.stream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.security.MessageDigest;
import java.util.concurrent.TimeUnit;
import org.veilswarm.transport.onion.cell.DestroyReason;
import org.veilswarm.transport.onion.cell.RelayEnvelope;
import org.veilswarm.transport.onion.cell.RelayMessage;
import org.veilswarm.transport.onion.cell.RelayPadding;
import org.veilswarm.transport.onion.cell.RelayPayloadCodec;
import org.veilswarm.transport.onion.circuit.CircuitClosedException;
import org.veilswarm.transport.onion.circuit.CircuitEdge;
import org.veilswarm.transport.onion.circuit.EdgeHandler;

/**
 * Two circuit edges joined back to back in memory on one event loop, without links or relays: each
 * message is encoded to a 509-byte relay payload and decoded at the other end, and both ends keep a
 * running SHA-1 over the payloads as tor1 does, so SENDME v1 digests work. For stream-layer tests
 * that need exact control (what arrives, when a circuit closes).
 */
final class EdgePair implements AutoCloseable {
    final EventLoop loop = new DefaultEventLoop();
    final Edge a = new Edge("a");
    final Edge b = new Edge("b");

    EdgePair() {
        a.peer = b;
        b.peer = a;
    }

    final class Edge implements CircuitEdge {
        private final String name;
        private final MessageDigest sentDigest = sha1();
        private final Promise<CircuitClosedException> closed = loop.newPromise();
        private Edge peer;
        private EdgeHandler handler;
        private byte[] receivedDigest;
        /** Stream messages this edge sent, by relay command, for assertions. */
        final int[] sentCommands = new int[256];
        /** Messages this edge received (handed to its handler). */
        int received;
        /** By relay command: how many messages this edge had received when it first sent one; -1 if never sent. */
        final int[] receivedAtFirstSend = new int[256];

        Edge(String name) {
            this.name = name;
            java.util.Arrays.fill(receivedAtFirstSend, -1);
        }

        void handler(EdgeHandler handler) {
            this.handler = handler;
        }

        @Override
        public EventLoop eventLoop() {
            return loop;
        }

        @Override
        public ByteBufAllocator alloc() {
            return UnpooledByteBufAllocator.DEFAULT;
        }

        @Override
        public byte[] send(int streamId, RelayMessage message, boolean wantDigest) throws CircuitClosedException {
            if (closed.isDone()) {
                throw closed.getNow();
            }
            ByteBuf payload = RelayPayloadCodec.encode(streamId, message, alloc(), RelayPadding.ZEROS);
            byte[] bytes = new byte[payload.readableBytes()];
            payload.getBytes(payload.readerIndex(), bytes);
            sentDigest.update(bytes);
            byte[] digest = digestNow(sentDigest);
            if (sentCommands[message.commandCode()]++ == 0) {
                receivedAtFirstSend[message.commandCode()] = received;
            }
            loop.execute(() -> {
                try {
                    if (peer.closed.isDone()) {
                        return;
                    }
                    RelayEnvelope envelope = RelayPayloadCodec.decode(1, payload);
                    peer.receivedDigest = digest;
                    peer.received++;
                    peer.handler.message(envelope.streamId(), envelope.message());
                } finally {
                    payload.release();
                }
            });
            return wantDigest ? digest : null;
        }

        @Override
        public void flush() {
        }

        @Override
        public byte[] lastReceivedDigest() {
            return receivedDigest.clone();
        }

        @Override
        public void destroy(DestroyReason reason) {
            close(new CircuitClosedException(reason.code(), name + " destroyed the circuit"));
            peer.close(new CircuitClosedException(DestroyReason.DESTROYED.code(), "destroyed by " + name));
        }

        void close(CircuitClosedException why) {
            if (closed.trySuccess(why) && handler != null) {
                handler.closed(why);
            }
        }

        @Override
        public boolean isOpen() {
            return !closed.isDone();
        }

        @Override
        public Future<CircuitClosedException> whenClosed() {
            return closed;
        }

        @Override
        public String toString() {
            return "edge " + name;
        }
    }

    private static MessageDigest sha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] digestNow(MessageDigest running) {
        try {
            return ((MessageDigest) running.clone()).digest();
        } catch (CloneNotSupportedException e) {
            throw new AssertionError(e);
        }
    }

    /** Runs {@code task} on the loop and waits for it. */
    <T> T onLoop(java.util.concurrent.Callable<T> task) throws Exception {
        return loop.submit(task).get(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
