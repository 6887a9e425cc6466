package org.veilswarm.transport.onion.throughput;

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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.veilswarm.api.transport.Listener;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.crypto.Ed25519;
import org.veilswarm.crypto.Ed25519KeyPair;
import org.veilswarm.transport.onion.service.OnionServices;
import org.veilswarm.transport.onion.stream.OnionStreamChannel;

/**
 * The issue #5 benchmark (docs/performance.md "Onion services"): in one JVM, {@code onion.service.benchRelays}
 * relays (default 8) on 127.0.0.1, node A publishes services, node B reaches them by address over 3 + 3 hops.
 * Reports the time from {@code publish} to the first echoed byte, connect latency (median of
 * {@code onion.service.benchConnects}), the echo throughput of one stream of {@code onion.service.benchMiB}
 * MiB each way (default 64, SHA-256 checked) against a direct TCP echo of the same bytes in the same run,
 * and the aggregate of two services (K=2) each echoing half as much at once; before the echo rounds, one
 * direction at a time as the C tor anchor measures it ({@link OneWay}: client -> service and service ->
 * client, {@code onion.service.benchMiB} each, SHA-256 checked, against a one-way direct TCP transfer;
 * {@code onion.service.benchOneWayRounds} times, default 2, the first also warming the JIT up). Tagged "bench": only with
 * {@code -Pbench}.
 */
@Tag("bench")
class OnionServiceBenchTest {
    private static final int RELAYS = Integer.getInteger("onion.service.benchRelays", 8);
    private static final long BYTES = Long.getLong("onion.service.benchMiB", 64) << 20;
    private static final int ROUNDS = Integer.getInteger("onion.service.benchRounds", 2);
    private static final int CONNECTS = Integer.getInteger("onion.service.benchConnects", 5);
    private static final int ONE_WAY_ROUNDS = Integer.getInteger("onion.service.benchOneWayRounds", 2);
    private static final int PORT = 6881;

    @Test
    void onionServiceBenchmark() throws Exception {
        try (ServiceNetwork network = new ServiceNetwork(RELAYS)) {
            report("BENCH %d relays, event loops: %s", RELAYS, ServiceNetwork.LOOP_PER_NODE
                    ? "one thread per relay and per node (-Donion.service.benchLoops=node)"
                    : "all on 2 shared threads (-Donion.service.benchLoops=shared)");
            OnionServices nodeA = network.node();
            OnionServices nodeB = network.node();
            Ed25519KeyPair first = Ed25519.generateKeyPair();
            long listenAt = System.nanoTime();
            Listener one = nodeA.publish(ServiceNetwork.serviceKey(first), PORT, ServiceNetwork.echo()).get(120,
                    TimeUnit.SECONDS);
            long published = System.nanoTime();
            TransportAddress address = one.address();
            EchoClient probe = new EchoClient(1);
            Channel probeStream = Streams.connect(nodeB, address, probe);
            probe.done().get(60, TimeUnit.SECONDS);
            long reachable = probe.firstEchoNanos();
            probeStream.close().sync();
            report("BENCH listen->published %.2f s, listen->first echoed byte %.2f s", (published - listenAt) / 1e9,
                    (reachable - listenAt) / 1e9);

            double[] connects = new double[CONNECTS];
            double[] roundTrips = new double[CONNECTS];
            for (int i = 0; i < CONNECTS; i++) {
                OnionServices fresh = network.node(); // no descriptor cached, no circuits: the whole connect
                EchoClient ping = new EchoClient(64);
                long start = System.nanoTime();
                Channel stream = Streams.connect(fresh, address, ping);
                connects[i] = (System.nanoTime() - start) / 1e6;
                ping.done().get(60, TimeUnit.SECONDS);
                roundTrips[i] = (ping.firstEchoNanos() - ping.startNanos()) / 1e6;
                stream.close().sync();
                fresh.close();
            }
            report("BENCH connect latency (fresh node: descriptor, intro, rendezvous, stream) median %.0f ms %s; "
                    + "64-byte round trip median %.1f ms", median(connects), Arrays.toString(round(connects)),
                    median(roundTrips));

            // Like for like with the C tor anchor (one direction at a time), before the echo rounds.
            Listener sink = nodeA.publish(ServiceNetwork.serviceKey(first), PORT + 1,
                    OneWay.each(() -> new OneWay.Receiver(BYTES, true))).get(120, TimeUnit.SECONDS);
            Listener source = nodeA.publish(ServiceNetwork.serviceKey(first), PORT + 2,
                    OneWay.each(() -> new OneWay.Sender(BYTES))).get(120, TimeUnit.SECONDS);
            for (int round = 0; round < ONE_WAY_ROUNDS; round++) {
                double tcpOneWay = directTcpUpload(BYTES);
                LoopCpu beforeUpload = LoopCpu.now();
                double upload = upload(nodeB, sink.address(), BYTES);
                String uploadCpu = LoopCpu.now().since(beforeUpload, BYTES / 1048576.0);
                LoopCpu beforeDownload = LoopCpu.now();
                double download = download(nodeB, source.address(), BYTES);
                String downloadCpu = LoopCpu.now().since(beforeDownload, BYTES / 1048576.0);
                // Round 0 also warms the JIT up (C tor is compiled ahead of time; a JVM under load took most of a
                // 64 MiB transfer to compile the data path: docs/performance.md, session 5).
                report("BENCH one direction round %d%s, %d MiB, SHA-256 checked: client->service %.2f MiB/s (%.2f %% of"
                        + " TCP), service->client %.2f MiB/s (%.2f %%), direct TCP one way %.1f MiB/s", round,
                        round == 0 && ONE_WAY_ROUNDS > 1 ? " (JIT warm-up)" : "", BYTES >> 20, upload,
                        100 * upload / tcpOneWay, download, 100 * download / tcpOneWay, tcpOneWay);
                if (ServiceNetwork.LOOP_PER_NODE) {
                    report("BENCH   CPU round %d client->service: %s", round, uploadCpu);
                    report("BENCH   CPU round %d service->client: %s", round, downloadCpu);
                }
            }
            sink.close();
            source.close();

            Ed25519KeyPair second = Ed25519.generateKeyPair();
            Listener two = nodeA.publish(ServiceNetwork.serviceKey(second), PORT, ServiceNetwork.echo()).get(120,
                    TimeUnit.SECONDS);
            for (int round = 0; round < ROUNDS; round++) {
                double tcp = directTcp(BYTES);
                double onion = echo(nodeB, List.of(address), BYTES);
                double both = echo(nodeB, List.of(address, two.address()), BYTES / 2);
                report("BENCH round %d, %d MiB echoed each way: direct TCP %.1f MiB/s, one service %.2f MiB/s (%.2f %%),"
                        + " two services (K=2) aggregate %.2f MiB/s (%.2fx one)", round, BYTES >> 20, tcp, onion,
                        100 * onion / tcp, both, both / onion);
            }
            one.close();
            two.close();
        }
    }

    /** Echoes {@code bytes} through each address at once (one stream each); aggregate MiB/s each way. */
    private static double echo(OnionServices node, List<TransportAddress> addresses, long bytes) throws Exception {
        List<EchoClient> clients = new ArrayList<>();
        List<Channel> streams = new ArrayList<>();
        for (TransportAddress address : addresses) {
            EchoClient client = new EchoClient(bytes);
            clients.add(client);
            streams.add(Streams.connect(node, address, client));
        }
        long start = Long.MAX_VALUE;
        long end = 0;
        for (EchoClient client : clients) {
            String echoed = client.done().get(1800, TimeUnit.SECONDS);
            assertEquals(client.sentDigest(), echoed, "SHA-256 of what came back");
            end = Math.max(end, System.nanoTime());
            start = Math.min(start, client.startNanos());
        }
        for (Channel stream : streams) {
            stream.close().sync();
        }
        return (bytes * addresses.size() / 1048576.0) / ((end - start) / 1e9);
    }

    /** Client -> service: sends {@code bytes}, the service answers with their digest; MiB/s. */
    private static double upload(OnionServices node, TransportAddress address, long bytes) throws Exception {
        OneWay.Sender sender = new OneWay.Sender(bytes);
        Channel stream = Streams.connect(node, address, sender);
        String digest = sender.reply().get(1800, TimeUnit.SECONDS);
        long nanos = System.nanoTime() - sender.startNanos();
        assertEquals(OneWay.digestOf(bytes), digest, "SHA-256 of what the service received");
        if (stream instanceof OnionStreamChannel onion) {
            report("BENCH   client's circuit after the upload: %s",
                    onion.eventLoop().submit(() -> onion.circuitStreams().flowState()).get(10, TimeUnit.SECONDS));
        }
        stream.close().sync();
        return (bytes / 1048576.0) / (nanos / 1e9);
    }

    /** Service -> client: the service sends {@code bytes} as soon as the stream is open; MiB/s. */
    private static double download(OnionServices node, TransportAddress address, long bytes) throws Exception {
        OneWay.Receiver receiver = new OneWay.Receiver(bytes, false);
        Channel stream = Streams.connect(node, address, receiver);
        String digest = receiver.done().get(1800, TimeUnit.SECONDS);
        assertEquals(OneWay.digestOf(bytes), digest, "SHA-256 of what the client received");
        stream.close().sync();
        return (bytes / 1048576.0) / (receiver.nanos() / 1e9);
    }

    /** The same upload over a plain Netty TCP connection on 127.0.0.1. */
    private static double directTcpUpload(long bytes) throws Exception {
        EventLoopGroup group = new NioEventLoopGroup(2);
        try {
            Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(OneWay.each(() -> new OneWay.Receiver(bytes, true)))
                    .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            OneWay.Sender sender = new OneWay.Sender(bytes);
            Channel channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .handler(OneWay.each(() -> sender)).connect(server.localAddress()).sync().channel();
            String digest = sender.reply().get(600, TimeUnit.SECONDS);
            long nanos = System.nanoTime() - sender.startNanos();
            assertEquals(OneWay.digestOf(bytes), digest);
            channel.close().sync();
            server.close().sync();
            return (bytes / 1048576.0) / (nanos / 1e9);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    private static double directTcp(long bytes) throws Exception {
        EventLoopGroup group = new NioEventLoopGroup(2);
        try {
            Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(ServiceNetwork.echo()).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            EchoClient client = new EchoClient(bytes);
            Channel channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .handler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(client);
                        }
                    }).connect(server.localAddress()).sync().channel();
            String echoed = client.done().get(600, TimeUnit.SECONDS);
            long nanos = System.nanoTime() - client.startNanos();
            assertEquals(client.sentDigest(), echoed);
            channel.close().sync();
            server.close().sync();
            return (bytes / 1048576.0) / (nanos / 1e9);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static long[] round(double[] values) {
        return Arrays.stream(values).mapToLong(Math::round).toArray();
    }

    private static void report(String format, Object... args) {
        System.out.printf(format + "%n", args);
    }
}
