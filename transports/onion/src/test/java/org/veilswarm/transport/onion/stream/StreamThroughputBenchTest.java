package org.veilswarm.transport.onion.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.veilswarm.transport.onion.circuit.OnionTestNetwork;
import org.veilswarm.transport.onion.circuit.OriginCircuit;

/**
 * Throughput of one stream through three relays on 127.0.0.1 as a ratio of a plain Netty TCP
 * connection on 127.0.0.1, measured in the same run with the same data and handlers (one direction,
 * client → service; the clock stops when the receiver has every byte, SHA-256 checked). After a
 * warm-up round, {@code onion.stream.benchRounds} rounds (default 3) alternate TCP and onion; the best
 * of each is reported. {@code -Donion.stream.benchMiB} sets the size (default 64). Tagged "bench": runs only with
 * {@code -Pbench} (no leak tracking there), see docs/performance.md "Onion streams".
 */
@Tag("bench")
class StreamThroughputBenchTest {
    private static final long BYTES = Long.getLong("onion.stream.benchMiB", 64) << 20;
    private static final int ROUNDS = Integer.getInteger("onion.stream.benchRounds", 3);
    private static final int WARM_UP_SECONDS = Integer.getInteger("onion.stream.benchWarmUpSeconds", 30);

    @Test
    void threeHopStreamThroughputAsARatioOfDirectTcp() throws Exception {
        double bestTcp = 0;
        double bestOnion = 0;
        // Warm-up for at least WARM_UP_SECONDS: the JIT must have compiled the TLS (AES-GCM with its GHASH
        // intrinsic), AES-CTR and SHA-1 paths before anything counts; on a loaded 2-core machine the JDK's
        // GCM alone needs several seconds to get from ~15 MB/s (interpreted) to ~900 MB/s.
        long warmUpEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(WARM_UP_SECONDS);
        while (System.nanoTime() < warmUpEnd) {
            System.out.printf("warm-up: direct TCP %.1f MiB/s, 3-hop stream %.1f MiB/s%n", directTcp(), threeHops());
        }
        for (int round = 0; round < ROUNDS; round++) {
            double tcp = directTcp();
            double onion = threeHops();
            bestTcp = Math.max(bestTcp, tcp);
            bestOnion = Math.max(bestOnion, onion);
            System.out.printf("round %d: direct TCP %.1f MiB/s, 3-hop stream %.1f MiB/s (%.1f %%)%n", round, tcp, onion,
                    100 * onion / tcp);
        }
        System.out.printf("BEST of %d rounds, %d MiB one way: direct TCP %.1f MiB/s, 3-hop stream %.1f MiB/s, ratio %.1f %%%n",
                ROUNDS, BYTES >> 20, bestTcp, bestOnion, 100 * bestOnion / bestTcp);
    }

    private static double mibPerSecond(long nanos) {
        return (BYTES / 1048576.0) / (nanos / 1e9);
    }

    private static double directTcp() throws Exception {
        EventLoopGroup group = new NioEventLoopGroup(2);
        try {
            BlockingQueue<Transfer> accepted = new LinkedBlockingQueue<>();
            Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel channel) {
                            Transfer receiver = new Transfer(0, BYTES, 16384);
                            accepted.add(receiver);
                            channel.pipeline().addLast(receiver.handler());
                        }
                    }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            Transfer sender = new Transfer(BYTES, 0, 16384);
            long start = System.nanoTime();
            Channel client = new Bootstrap().group(group).channel(NioSocketChannel.class).handler(sender.handler())
                    .connect(server.localAddress()).sync().channel();
            Transfer receiver = accepted.poll(10, TimeUnit.SECONDS);
            receiver.done().get(300, TimeUnit.SECONDS);
            long nanos = System.nanoTime() - start;
            assertEquals(sender.sentDigest(), receiver.receivedDigest());
            client.close().sync();
            server.close().sync();
            return mibPerSecond(nanos);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    private static double threeHops() throws Exception {
        try (OnionTestNetwork net = new OnionTestNetwork(3)) {
            BlockingQueue<Transfer> accepted = new LinkedBlockingQueue<>();
            net.services(net.relay(2)).register(80, new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel channel) {
                    Transfer receiver = new Transfer(0, BYTES, 16384);
                    accepted.add(receiver);
                    channel.pipeline().addLast(receiver.handler());
                }
            });
            OriginCircuit circuit = net.circuit(net.relay(0), net.relay(1), net.relay(2));
            Transfer sender = new Transfer(BYTES, 0, 16384);
            long start = System.nanoTime();
            OnionStreamChannel stream = net.openStream(circuit, 80, sender.handler());
            Transfer receiver = accepted.poll(10, TimeUnit.SECONDS);
            receiver.done().get(600, TimeUnit.SECONDS);
            long nanos = System.nanoTime() - start;
            assertEquals(sender.sentDigest(), receiver.receivedDigest());
            stream.close().sync();
            return mibPerSecond(nanos);
        }
    }
}
