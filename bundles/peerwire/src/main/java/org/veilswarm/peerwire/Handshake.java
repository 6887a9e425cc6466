package org.veilswarm.peerwire;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import org.veilswarm.metainfo.HashValue;

/**
 * The BEP 3 handshake: {@code <19>"BitTorrent protocol"<reserved:8><info_hash:20><peer_id:20>}, 68 bytes.
 * For a v2 torrent the info-hash field holds the SHA-256 info-hash truncated to 20 bytes (BEP 52).
 */
public final class Handshake {

    public static final byte[] PROTOCOL = "BitTorrent protocol".getBytes(StandardCharsets.US_ASCII);
    public static final int LENGTH = 1 + 19 + 8 + 20 + 20;
    public static final int PEER_ID_LENGTH = 20;

    private final ReservedBits reserved;
    private final HashValue infoHash;
    private final byte[] peerId;

    public Handshake(ReservedBits reserved, HashValue infoHash, byte[] peerId) {
        if (infoHash.length() != HashValue.SHA1_LENGTH) {
            throw new IllegalArgumentException("the handshake carries a 20-byte info-hash; truncate v2 hashes");
        }
        if (peerId.length != PEER_ID_LENGTH) {
            throw new IllegalArgumentException("peer id must be 20 bytes, not " + peerId.length);
        }
        this.reserved = reserved;
        this.infoHash = infoHash;
        this.peerId = peerId.clone();
    }

    public ReservedBits reserved() {
        return reserved;
    }

    public HashValue infoHash() {
        return infoHash;
    }

    public byte[] peerId() {
        return peerId.clone();
    }

    public void encode(ByteBuf out) {
        out.writeByte(PROTOCOL.length).writeBytes(PROTOCOL).writeLong(reserved.bits()).writeBytes(infoHash.bytes())
                .writeBytes(peerId);
    }

    /** Reads the 68 bytes at {@code in}'s reader index; the caller has checked they are there. */
    public static Handshake decode(ByteBuf in) throws PeerWireException {
        checkProtocol(in, in.readerIndex(), LENGTH);
        in.skipBytes(1 + PROTOCOL.length);
        long reserved = in.readLong();
        byte[] hash = new byte[20];
        in.readBytes(hash);
        byte[] peerId = new byte[PEER_ID_LENGTH];
        in.readBytes(peerId);
        return new Handshake(new ReservedBits(reserved), HashValue.of(hash), peerId);
    }

    /**
     * Checks as much of the protocol string as has arrived ({@code available} bytes from {@code start}),
     * so a peer speaking something else is refused at its first bytes.
     */
    static void checkProtocol(ByteBuf in, int start, int available) throws PeerWireException {
        if (available >= 1 && in.getUnsignedByte(start) != PROTOCOL.length) {
            throw new PeerWireException("handshake protocol length is " + in.getUnsignedByte(start) + ", not 19");
        }
        int n = Math.min(available - 1, PROTOCOL.length);
        for (int i = 0; i < n; i++) {
            if (in.getByte(start + 1 + i) != PROTOCOL[i]) {
                throw new PeerWireException("handshake protocol is not \"BitTorrent protocol\"");
            }
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Handshake h && reserved.equals(h.reserved) && infoHash.equals(h.infoHash)
                && Arrays.equals(peerId, h.peerId);
    }

    @Override
    public int hashCode() {
        return (reserved.hashCode() * 31 + infoHash.hashCode()) * 31 + Arrays.hashCode(peerId);
    }

    @Override
    public String toString() {
        return "Handshake[reserved=" + reserved + ", info_hash=" + infoHash + ", peer_id="
                + HexFormat.of().formatHex(peerId) + "]";
    }
}
