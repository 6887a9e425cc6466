package org.veilswarm.swarm.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.metainfo.CreatedTorrent;
import org.veilswarm.metainfo.TorrentMode;
import org.veilswarm.transport.direct.impl.DirectTransportEngine;

/**
 * A torrent whose file is on disk with one piece corrupted: that piece does not verify, so a peer asking
 * for it gets BEP 6 {@code reject request} — the bytes on disk are never sent — while a verified piece is
 * served. The peer is a plain socket speaking the wire format byte by byte.
 */
class NeverServesUnverifiedDataTest {

    @TempDir
    Path dir;

    @Test
    void aPieceThatDoesNotVerifyIsRejectedNotServed() throws Exception {
        Path content = Loopback.content(dir.resolve("src"), "data.bin", 71, 4 * 32_768);
        CreatedTorrent t = Loopback.torrent(content, TorrentMode.V2_ONLY, 32_768);
        byte[] bytes = Files.readAllBytes(content);
        byte[] onDisk = bytes.clone();
        onDisk[32_768 + 100] ^= 0x5a; // piece 1 differs from its hash
        Files.createDirectories(dir.resolve("dl"));
        Files.write(dir.resolve("dl").resolve("data.bin"), onDisk);

        DirectTransportEngine transport = Loopback.transport();
        SwarmEngine engine = Loopback.engine(transport);
        try {
            TorrentSession session = engine.add(t.metainfo(), dir.resolve("dl"), dir.resolve("state"), TorrentOptions.defaults());
            assertTrue(session.verifiedPieces().get(0) && !session.verifiedPieces().get(1), "piece 1 did not verify");
            TransportAddress address = Loopback.listen(engine, transport);
            try (Socket socket = new Socket("127.0.0.1", address.port())) {
                socket.setSoTimeout(10_000);
                DataInputStream in = new DataInputStream(socket.getInputStream());
                DataOutputStream out = new DataOutputStream(socket.getOutputStream());
                ByteArrayOutputStream hs = new ByteArrayOutputStream();
                hs.write(19);
                hs.write("BitTorrent protocol".getBytes(StandardCharsets.US_ASCII));
                hs.write(new byte[] {0, 0, 0, 0, 0, 0, 0, 0x04}); // BEP 6 fast extension
                hs.write(t.metainfo().infoHashes().v2Truncated().bytes());
                hs.write("-XX0000-askingpeer01".getBytes(StandardCharsets.US_ASCII));
                out.write(hs.toByteArray());
                assertEquals(68, in.readNBytes(68).length);
                out.write(new byte[] {0, 0, 0, 1, 0x0f}); // have none (BEP 6)
                out.write(new byte[] {0, 0, 0, 1, 2});    // interested
                boolean asked = false;
                boolean served = false;
                boolean rejected = false;
                while (!(served && rejected)) {
                    int length = in.readInt();
                    if (length == 0) {
                        continue;
                    }
                    int id = in.readUnsignedByte();
                    byte[] payload = in.readNBytes(length - 1);
                    if (id == 1 && !asked) {
                        asked = true;
                        for (int piece : new int[] {1, 0}) {
                            out.writeInt(13);
                            out.writeByte(6);
                            out.writeInt(piece);
                            out.writeInt(0);
                            out.writeInt(16_384);
                        }
                        out.flush();
                    } else if (id == 7) {
                        int piece = ((payload[0] & 0xff) << 24) | ((payload[1] & 0xff) << 16) | ((payload[2] & 0xff) << 8)
                                | (payload[3] & 0xff);
                        assertEquals(0, piece, "only the verified piece is ever served");
                        assertArrayEquals(Arrays.copyOfRange(bytes, 0, 16_384), Arrays.copyOfRange(payload, 8, payload.length));
                        served = true;
                    } else if (id == 16) { // reject request
                        assertEquals(1, payload[3], "the rejected request is the unverified piece's");
                        rejected = true;
                    }
                }
                assertFalse(session.verifiedPieces().get(1));
            }
        } finally {
            engine.close();
            transport.close();
        }
    }
}
