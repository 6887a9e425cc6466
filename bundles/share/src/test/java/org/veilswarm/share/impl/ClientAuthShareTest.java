package org.veilswarm.share.impl;

import static org.veilswarm.share.impl.ShareTestSupport.freePort;
import static org.veilswarm.share.impl.ShareTestSupport.random;
import static org.veilswarm.share.impl.ShareTestSupport.sha256;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.veilswarm.api.node.OnionAddress;
import org.veilswarm.api.tracker.InfoHash;
import org.veilswarm.api.tracker.SwarmCounts;
import org.veilswarm.api.transport.ClientAuthSecretKey;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.share.api.Download;
import org.veilswarm.share.api.DownloadState;
import org.veilswarm.share.api.Share;
import org.veilswarm.share.api.ShareException;
import org.veilswarm.share.api.ShareLink;
import org.veilswarm.share.api.ShareOptions;
import org.veilswarm.share.api.ShareProgressListener;

/**
 * Shares for authorized clients only (issue 5, as OnionShare's private shares): the share's two onion services
 * require client authorization with an x25519 key made for the share (kept 0600 with the share), its tracker lists
 * those two services only (not the node's address), a downloader given the key downloads it, one without it fails
 * saying the share needs its key, and a malformed key is refused saying why. {@link LoopbackOnionTransport} stands
 * for the onion transports and refuses as they do (REFUSED, "client authorization required") when the client's
 * X25519 public key is not among the service's; the real descriptor encryption is tested in the onion transport
 * (OnionTransportClientAuthTest).
 */
class ClientAuthShareTest extends NodesTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    private final LoopbackOnionTransport.Directory onions = new LoopbackOnionTransport.Directory();

    @Test
    void onlyADownloaderWithTheShareKeyGetsAShareForAuthorizedClients() throws Exception {
        a = new TestNode(tmp.resolve("a"), freePort(), onions, LinkSettings.defaults()); // K = 2
        b = new TestNode(tmp.resolve("b"), freePort(), onions, LinkSettings.defaults(), false, true);
        c = new TestNode(tmp.resolve("c"), freePort(), onions, LinkSettings.defaults(), false, true);
        c.downloads.close();
        c.downloads = new DownloadService(c.context, Duration.ofSeconds(5), Duration.ofSeconds(5));
        Path file = tmp.resolve("private.bin");
        Files.write(file, random(300_000, 21));

        Share share = a.shares.create(file, ShareOptions.defaults().withClientAuth(true), ShareProgressListener.NONE);
        String key = share.clientAuthKey().orElseThrow(() -> new AssertionError("no client key for the share"));
        ClientAuthSecretKey.parse(key);
        Path shareFile = a.dataDir.resolve("shares").resolve(share.id() + ".share");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(shareFile)));
        assertTrue(Files.readString(shareFile, StandardCharsets.UTF_8).contains(key), "the key is kept with the share");
        List<OnionAddress> services = await("A's two share services to listen", () -> a.shares.servicesOf(share.id()),
                s -> s.size() == 2);
        InfoHash hash = InfoHash.ofHex(share.id());
        awaitSeeders(a, hash, 2); // the two services; never the node's address or its IP
        ShareLink link = share.privateLink().orElseThrow();

        ShareException bad = assertThrows(ShareException.class,
                () -> b.downloads.add(link.format(), tmp.resolve("bad"), "descriptor:x25519:" + key.substring(1)));
        assertTrue(bad.getMessage().contains("bad client authorization key"), bad.getMessage());
        assertFalse(bad.getMessage().contains(key.substring(1)), "the message never quotes the key");

        Download without = c.downloads.add(link.format(), tmp.resolve("c-into"));
        Download refused = await("C's download without the key to fail", () -> c.downloads.get(without.id())
                .orElseThrow(), d -> d.state() == DownloadState.FAILED || d.state() == DownloadState.SEEDING);
        assertEquals(DownloadState.FAILED, refused.state());
        assertTrue(refused.error().orElse("").contains("authorized clients only"), refused.error().toString());
        assertTrue(onions.authRefusals.get() > 0, "the services refused C");
        assertFalse(Files.exists(tmp.resolve("c-into").resolve("private.bin")), "C got nothing");

        Download with = b.downloads.add(link.format(), tmp.resolve("b-into"), key);
        Download done = await("B's download with the key", () -> b.downloads.get(with.id()).orElseThrow(),
                d -> d.state() == DownloadState.SEEDING || d.state() == DownloadState.FAILED);
        assertEquals(DownloadState.SEEDING, done.state(), done.error().orElse(""));
        assertEquals(sha256(file), sha256(tmp.resolve("b-into").resolve("private.bin")));
        Path downloadFile = b.dataDir.resolve("downloads").resolve(with.id() + ".download");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(downloadFile)));
        // B neither announced itself nor is tracked: A's tracker still lists the two services alone.
        assertEquals(2, seeders(a, hash).complete());
        assertTrue(services.stream().noneMatch(s -> s.equals(a.identity.address())));

        // C knows the info-hash (the snapshot gave it) but A's own public service closes a stream that asks for the
        // share's torrent before answering; the same stream for a public share gets A's handshake back.
        TransportAddress nodeService = TransportAddress.of(a.identity.address(), a.peerPort);
        assertEquals(-1, handshake(c, nodeService, InfoHash.ofHex(share.id()).truncated().bytes()),
                "A's node service served the share for authorized clients only");
        Path open = tmp.resolve("open.bin");
        Files.write(open, random(50_000, 22));
        Share plain = a.shares.create(open, ShareOptions.defaults(), ShareProgressListener.NONE);
        assertEquals(68, handshake(c, nodeService, InfoHash.ofHex(plain.id()).truncated().bytes()),
                "A's node service answers a public share's handshake");
    }

    /**
     * Sends a BEP 3 handshake for {@code hash} from {@code from} to {@code to}: the bytes of the answering handshake
     * (68), or -1 if the stream was closed without one.
     */
    private static int handshake(TestNode from, TransportAddress to, byte[] hash) throws Exception {
        java.util.concurrent.CompletableFuture<Integer> answer = new java.util.concurrent.CompletableFuture<>();
        io.netty.channel.Channel stream = from.onion.connect(to, new io.netty.channel.ChannelInitializer<>() {
            @Override
            protected void initChannel(io.netty.channel.Channel ch) {
                ch.pipeline().addLast(new io.netty.channel.ChannelInboundHandlerAdapter() {
                    private int received;

                    @Override
                    public void channelRead(io.netty.channel.ChannelHandlerContext ctx, Object msg) {
                        io.netty.buffer.ByteBuf buf = (io.netty.buffer.ByteBuf) msg;
                        received += buf.readableBytes();
                        buf.release();
                        if (received >= 68) {
                            answer.complete(68);
                            ctx.close();
                        }
                    }

                    @Override
                    public void channelInactive(io.netty.channel.ChannelHandlerContext ctx) {
                        answer.complete(-1);
                    }
                });
            }
        }).toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
        io.netty.buffer.ByteBuf hello = io.netty.buffer.Unpooled.buffer(68);
        hello.writeByte(19).writeBytes("BitTorrent protocol".getBytes(StandardCharsets.US_ASCII));
        hello.writeZero(8).writeBytes(hash).writeBytes(new byte[] {'-', 'T', 'E', '0', '0', '0', '1', '-'})
                .writeZero(12);
        stream.writeAndFlush(hello);
        return answer.get(30, java.util.concurrent.TimeUnit.SECONDS);
    }

    @Test
    void clientAuthorizationNeedsServicesOfTheShareItsOwn() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ShareOptions.defaults().withServices(0).withClientAuth(true));
        assertTrue(e.getMessage().contains("services must not be 0"), e.getMessage());
    }

    private static SwarmCounts seeders(TestNode node, InfoHash hash) {
        return node.store.scrape(List.of(hash.truncated())).getOrDefault(hash.truncated(), new SwarmCounts(0, 0, 0));
    }

    private static void awaitSeeders(TestNode node, InfoHash hash, int seeders) throws InterruptedException {
        await("the tracker to list " + seeders + " seeders", () -> seeders(node, hash), c -> c.complete() == seeders);
    }

    private static <T> T await(String what, Supplier<T> value, Predicate<T> done) throws InterruptedException {
        long end = System.nanoTime() + WAIT.toNanos();
        T seen = value.get();
        while (!done.test(seen)) {
            if (System.nanoTime() - end > 0) {
                throw new AssertionError("timed out waiting for " + what + "; last seen " + seen);
            }
            Thread.sleep(50);
            seen = value.get();
        }
        return seen;
    }
}
