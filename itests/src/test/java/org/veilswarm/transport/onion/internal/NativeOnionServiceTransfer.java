package org.veilswarm.transport.onion.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.api.directory.RelayFlag;
import org.veilswarm.api.node.OnionAddress;
import org.veilswarm.api.transport.Listener;
import org.veilswarm.api.transport.ServiceKey;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.crypto.Ed25519;
import org.veilswarm.crypto.Ed25519KeyPair;
import org.veilswarm.directory.core.FullListRelaySampler;
import org.veilswarm.transport.onion.circuit.RelayTarget;

/**
 * The native onion transport's onion services in this JVM, for comparison figures next to the tor transport
 * (docs/performance.md, "Share download over the tor transport"): 7 {@code OnionTransportEngine}s on 127.0.0.1,
 * each a relay (HSDir, introduction and rendezvous roles as the engine sets them up) with one full relay list as
 * its directory, as {@code OnionTransportServicesTest} builds them; engine 0 publishes a service under a fresh
 * key, engine 1 connects to {@code <address>.onion:port} and receives {@code bytes} bytes. Lives in the onion
 * transport's package because the engine is not exported (a plain class-path test, not OSGi).
 */
public final class NativeOnionServiceTransfer {
    private static final int ENGINES = 7;
    private static final int PORT = 7000;

    /** What one transfer took. */
    public record Result(TransportAddress published, double publishSeconds, double connectSeconds, double transferSeconds,
            byte[] sha256) {
    }

    private NativeOnionServiceTransfer() {
    }

    /**
     * Publishes a service under {@code key}, connects to it by its onion address, moves {@code payload} from the
     * service to the client; everything is closed after.
     */
    public static Result run(byte[] payload, Ed25519KeyPair key) throws Exception {
        List<OnionTransportEngine> engines = new ArrayList<>();
        try {
            for (int i = 0; i < ENGINES; i++) {
                engines.add(new OnionTransportEngine(new OnionTransportSettings("127.0.0.1", 0, "", true, 1000, 0, 0, 1),
                        serviceKey(Ed25519.generateKeyPair())));
            }
            List<RelayDescriptor> relays = engines.stream().map(e -> descriptor(e.relayTarget().orElseThrow())).toList();
            for (int i = 0; i < ENGINES; i++) {
                engines.get(i).directory().add(new FullListRelaySampler(relays, new SplittableRandom(i), 64), "comparison");
            }
            OnionAddress address = OnionAddress.fromPublicKey(key.publicKey());
            long t0 = System.nanoTime();
            Listener listener = engines.get(0).listen(serviceKey(key), PORT, new ChannelInitializer<>() {
                @Override
                protected void initChannel(Channel channel) {
                    channel.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelActive(ChannelHandlerContext ctx) {
                            // The client closes once it has every byte: closing here right after the write completed
                            // lost the stream's last 296 bytes (native onion streams, seen in TorShareLinkIT).
                            ctx.writeAndFlush(Unpooled.wrappedBuffer(payload));
                        }
                    });
                }
            }).toCompletableFuture().get(120, TimeUnit.SECONDS);
            long published = System.nanoTime();
            Receiver receiver = new Receiver(payload.length);
            engines.get(1).connect(TransportAddress.of(address, PORT), new ChannelInitializer<>() {
                @Override
                protected void initChannel(Channel channel) {
                    channel.pipeline().addLast(receiver);
                }
            }).toCompletableFuture().get(120, TimeUnit.SECONDS);
            long connected = System.nanoTime();
            byte[] digest = receiver.done.get(300, TimeUnit.SECONDS);
            long received = receiver.lastByte;
            TransportAddress publishedAt = listener.address();
            listener.close();
            return new Result(publishedAt, (published - t0) / 1e9, (connected - published) / 1e9, (received - connected) / 1e9,
                    digest);
        } finally {
            engines.forEach(OnionTransportEngine::close);
        }
    }

    /** Digests what arrives; completes at the expected length (or fails if the stream ends short). */
    private static final class Receiver extends ChannelInboundHandlerAdapter {
        final CompletableFuture<byte[]> done = new CompletableFuture<>();
        private final int expected;
        private final MessageDigest sha;
        private long count;
        volatile long lastByte;

        Receiver(int expected) throws NoSuchAlgorithmException {
            this.expected = expected;
            this.sha = MessageDigest.getInstance("SHA-256");
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            try {
                count += buf.readableBytes();
                sha.update(buf.nioBuffer());
            } finally {
                buf.release();
            }
            if (count >= expected) {
                lastByte = System.nanoTime();
                done.complete(sha.digest());
                ctx.close();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            done.completeExceptionally(new IllegalStateException("the stream ended after " + count + " of " + expected
                    + " bytes"));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            done.completeExceptionally(cause);
            ctx.close();
        }
    }

    private static ServiceKey serviceKey(Ed25519KeyPair key) {
        return new ServiceKey() {
            @Override
            public OnionAddress address() {
                return OnionAddress.fromPublicKey(key.publicKey());
            }

            @Override
            public byte[] expandedSecretKey() {
                return key.expandedSecretKey();
            }
        };
    }

    private static RelayDescriptor descriptor(RelayTarget target) {
        return new RelayDescriptor(target.identity(), target.ntorOnionKey(), List.of(target.address()), 1_000_000, 0,
                Set.of(), "0.1.0", Set.of(RelayFlag.values()), Instant.now().minusSeconds(60));
    }
}
