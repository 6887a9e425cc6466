package org.veilswarm.swarm.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.metainfo.CreatedTorrent;
import org.veilswarm.metainfo.TorrentMode;
import org.veilswarm.transport.direct.impl.DirectTransportEngine;

/**
 * A v1-only peer (handshake with the v1 info-hash and no upgrade bit, as aria2 would send) on a multi-file
 * hybrid torrent: the connection stays v1, and the v1 piece layout with its pad files is served — blocks
 * inside a pad file are zeros, the file's tail block comes zero-padded, real blocks are the file's bytes.
 * Spoken byte by byte over a plain socket, so nothing of our codec is on the peer's side.
 */
class V1PeerOnHybridTest {

    @TempDir
    Path dir;

    private final DirectTransportEngine transport = Loopback.transport();
    private SwarmEngine engine;

    @AfterEach
    void close() {
        if (engine != null) {
            engine.close();
        }
        transport.close();
    }

    @Test
    void padFilesAreServedAsZerosToAV1Peer() throws Exception {
        // a.bin: 100,000 bytes = pieces 0 (65,536) and 1 (34,464 + a 31,072-byte pad file in v1); then f1.bin
        Path content = Loopback.content(dir.resolve("seed"), "share", 61, 100_000, 70_000);
        CreatedTorrent t = Loopback.torrent(content, TorrentMode.HYBRID, 65_536);
        byte[] fileA = Files.readAllBytes(content.resolve("f0.bin"));
        engine = Loopback.engine(transport);
        engine.add(t.metainfo(), dir.resolve("seed"), dir.resolve("state"), TorrentOptions.defaults());
        TransportAddress address = Loopback.listen(engine, transport);

        try (Socket socket = new Socket("127.0.0.1", address.port())) {
            socket.setSoTimeout(10_000);
            DataInputStream in = new DataInputStream(socket.getInputStream());
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            ByteArrayOutputStream hs = new ByteArrayOutputStream();
            hs.write(19);
            hs.write("BitTorrent protocol".getBytes(StandardCharsets.US_ASCII));
            hs.write(new byte[8]); // no extensions, no fast, no v2 upgrade
            hs.write(t.metainfo().infoHashes().v1().orElseThrow().bytes());
            hs.write("-XX0000-v1onlypeer01".getBytes(StandardCharsets.US_ASCII));
            out.write(hs.toByteArray());
            byte[] reply = in.readNBytes(68);
            assertArrayEquals(t.metainfo().infoHashes().v1().orElseThrow().bytes(), Arrays.copyOfRange(reply, 28, 48),
                    "no upgrade bit from us: the engine stays v1");

            out.write(new byte[] {0, 0, 0, 1, 2}); // interested
            int[][] requests = {{1, 49_152, 16_384}, {1, 32_768, 16_384}, {0, 0, 16_384}};
            boolean unchoked = false;
            int answered = 0;
            while (answered < requests.length) {
                int length = in.readInt();
                if (length == 0) {
                    continue; // keep-alive
                }
                int id = in.readUnsignedByte();
                byte[] payload = in.readNBytes(length - 1);
                if (id == 1 && !unchoked) { // unchoke: ask for a pad block, the straddling tail block, a real block
                    unchoked = true;
                    for (int[] r : requests) {
                        out.writeInt(13);
                        out.writeByte(6);
                        out.writeInt(r[0]);
                        out.writeInt(r[1]);
                        out.writeInt(r[2]);
                    }
                    out.flush();
                } else if (id == 7) {
                    int piece = readInt(payload, 0);
                    int offset = readInt(payload, 4);
                    byte[] block = Arrays.copyOfRange(payload, 8, payload.length);
                    byte[] expected = v1Bytes(fileA, piece, offset, block.length);
                    assertArrayEquals(expected, block, "piece " + piece + " offset " + offset);
                    answered++;
                }
            }
            assertTrue(unchoked);
        }
    }

    /** The v1 view of a.bin: its bytes, then zeros up to the end of its last piece (the pad file). */
    private static byte[] v1Bytes(byte[] file, int piece, int offset, int length) {
        byte[] out = new byte[length];
        long start = (long) piece * 65_536 + offset;
        for (int i = 0; i < length; i++) {
            long at = start + i;
            out[i] = at < file.length ? file[(int) at] : 0;
        }
        return out;
    }

    private static int readInt(byte[] b, int at) {
        return ((b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
    }
}
