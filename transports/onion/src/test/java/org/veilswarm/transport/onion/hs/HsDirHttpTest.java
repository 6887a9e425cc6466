package org.veilswarm.transport.onion.hs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.veilswarm.transport.onion.testing.LeakCheck;

/** The HSDir HTTP server on an EmbeddedChannel: paths, methods, limits and keep-alive, raw HTTP/1.1 bytes. */
@ExtendWith(LeakCheck.class)
class HsDirHttpTest {
    private final HsDirStore store = new HsDirStore(Clock.systemUTC(), HsDirStore.Limits.DEFAULT);
    private final EmbeddedChannel channel = new EmbeddedChannel(new HsDirServerInitializer(store));

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    @Test
    void fetchPathsAreUnpaddedBase64OfThirtyTwoBytes() {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) 0xfb);
        String path = HsDirPaths.fetch(key);
        assertEquals("/tor/hs/3/" + Base64.getEncoder().withoutPadding().encodeToString(key), path);
        assertArrayEquals(key, HsDirPaths.parseFetch(path).orElseThrow());
        assertTrue(HsDirPaths.parseFetch(path + "=").isEmpty());
        assertTrue(HsDirPaths.parseFetch("/tor/hs/3/" + "A".repeat(42) + "B").isEmpty(), "non-canonical last char");
        assertTrue(HsDirPaths.parseFetch("/tor/hs/2/" + path.substring(10)).isEmpty());
        assertTrue(HsDirPaths.parseFetch("/tor/hs/3/publish").isEmpty());
    }

    @Test
    void publishAndFetchOnOneKeptAliveStream() throws Exception {
        Instant now = Instant.now();
        TestServices service = TestServices.create();
        TimePeriod period = TimePeriod.containing(now);
        byte[] descriptor = service.builder(period).build(now).encoded();

        String answer = exchange("POST /tor/hs/3/publish HTTP/1.1\r\nHost: x\r\nContent-Length: " + descriptor.length
                + "\r\n\r\n", descriptor);
        assertTrue(answer.startsWith("HTTP/1.1 200 OK"), answer);
        String fetched = exchange("GET " + HsDirPaths.fetch(HsKeys.blindedPublicKey(service.identity.publicKey(), period))
                + " HTTP/1.1\r\nHost: x\r\n\r\n", new byte[0]);
        assertTrue(fetched.startsWith("HTTP/1.1 200 OK"), fetched);
        assertTrue(fetched.endsWith(new String(descriptor, StandardCharsets.US_ASCII)));
        assertTrue(channel.isOpen(), "keep-alive");
    }

    @Test
    void wrongPathsMethodsAndBodiesGetTheirStatus() {
        assertTrue(exchange("GET /tor/hs/3/short HTTP/1.1\r\nHost: x\r\n\r\n", new byte[0]).startsWith("HTTP/1.1 404"));
        assertTrue(exchange("PUT /tor/hs/3/publish HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", new byte[0])
                .startsWith("HTTP/1.1 405"));
        String bad = exchange("POST /tor/hs/3/publish HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n",
                "hello".getBytes(StandardCharsets.US_ASCII));
        assertTrue(bad.startsWith("HTTP/1.1 400") && bad.contains("MALFORMED"), bad);
        String big = exchange("POST /tor/hs/3/publish HTTP/1.1\r\nHost: x\r\nContent-Length: 50001\r\n\r\n", new byte[0]);
        assertTrue(big.startsWith("HTTP/1.1 413"), big);
        assertEquals(0, store.size());
    }

    @Test
    void connectionCloseIsHonoured() {
        String answer = exchange("GET /nothing HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", new byte[0]);
        assertTrue(answer.startsWith("HTTP/1.1 404"), answer);
        assertFalse(channel.isOpen());
    }

    private String exchange(String head, byte[] body) {
        ByteBuf request = Unpooled.buffer();
        request.writeCharSequence(head, StandardCharsets.US_ASCII);
        request.writeBytes(body);
        channel.writeInbound(request);
        StringBuilder out = new StringBuilder();
        ByteBuf chunk;
        while ((chunk = channel.readOutbound()) != null) {
            out.append(new String(ByteBufUtil.getBytes(chunk), StandardCharsets.US_ASCII));
            chunk.release();
        }
        return out.toString();
    }
}
