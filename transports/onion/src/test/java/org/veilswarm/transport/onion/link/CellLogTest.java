package org.veilswarm.transport.onion.link;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;
import org.veilswarm.crypto.Digests;

/** SLOG/CLOG cut at the right cell boundary (tor-spec §4.4.2), however the bytes are chunked. */
class CellLogTest {
    // VERSIONS with a 2-byte circuit ID, then 4-byte circuit IDs.
    private static final byte[] VERSIONS = {0, 0, 7, 0, 4, 0, 4, 0, 5};
    private static final byte[] VPADDING = {0, 0, 0, 0, (byte) 128, 0, 3, 9, 9, 9};
    private static final byte[] CERTS = {0, 0, 0, 0, (byte) 129, 0, 4, 1, 4, 0, 0};
    private static final byte[] AUTH_CHALLENGE = variable(130, 36);
    private static final byte[] AUTHENTICATE = variable(131, 356);
    private static final byte[] NETINFO = fixed(8);
    private static final byte[] PADDING = fixed(0);

    private static byte[] variable(int command, int length) {
        byte[] cell = new byte[7 + length];
        cell[4] = (byte) command;
        cell[5] = (byte) (length >>> 8);
        cell[6] = (byte) length;
        for (int i = 7; i < cell.length; i++) {
            cell[i] = (byte) i;
        }
        return cell;
    }

    private static byte[] fixed(int command) {
        byte[] cell = new byte[514];
        cell[4] = (byte) command;
        cell[100] = 42;
        return cell;
    }

    private static byte[] join(byte[]... cells) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] cell : cells) {
            out.writeBytes(cell);
        }
        return out.toByteArray();
    }

    @Test
    void responderLogEndsWithAuthChallenge() {
        byte[] stream = join(vpaddingBeforeVersions(), VERSIONS, CERTS, PADDING, AUTH_CHALLENGE, NETINFO);
        byte[] expected = Digests.sha256(join(vpaddingBeforeVersions(), VERSIONS, CERTS, PADDING, AUTH_CHALLENGE));
        for (int chunk : new int[] {1, 3, 7, 513, stream.length}) {
            CellLog log = CellLog.upToAndIncluding(130);
            feedInChunks(log, stream, chunk);
            assertTrue(log.complete());
            assertArrayEquals(expected, log.digest(), "chunks of " + chunk);
        }
    }

    @Test
    void initiatorLogStopsBeforeAuthenticate() {
        byte[] stream = join(VERSIONS, VPADDING, CERTS, AUTHENTICATE, NETINFO);
        byte[] expected = Digests.sha256(join(VERSIONS, VPADDING, CERTS));
        for (int chunk : new int[] {1, 2, 5, 600, stream.length}) {
            CellLog log = CellLog.upToButExcluding(131);
            feedInChunks(log, stream, chunk);
            assertTrue(log.complete());
            assertArrayEquals(expected, log.digest(), "chunks of " + chunk);
        }
    }

    @Test
    void logWithoutItsCutPointKeepsGoing() {
        CellLog log = CellLog.upToButExcluding(131);
        feedInChunks(log, join(VERSIONS, CERTS, NETINFO), 10);
        assertFalse(log.complete(), "a client never sends AUTHENTICATE");
        assertArrayEquals(Digests.sha256(join(VERSIONS, CERTS, NETINFO)), log.digest());
    }

    private static byte[] vpaddingBeforeVersions() {
        return new byte[] {0, 0, (byte) 128, 0, 2, 1, 1};
    }

    private static void feedInChunks(CellLog log, byte[] stream, int chunk) {
        for (int offset = 0; offset < stream.length; offset += chunk) {
            ByteBuf buf = Unpooled.wrappedBuffer(stream, offset, Math.min(chunk, stream.length - offset));
            int before = buf.readerIndex();
            log.feed(buf);
            assertTrue(buf.readerIndex() == before, "feeding must not consume");
            buf.release();
        }
    }
}
