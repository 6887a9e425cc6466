package org.veilswarm.peerwire;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import org.veilswarm.bencode.BencodeDecoder;
import org.veilswarm.bencode.BencodeDictionary;
import org.veilswarm.bencode.BencodeException;
import org.veilswarm.bencode.BencodeInteger;
import org.veilswarm.bencode.BencodeLimits;
import org.veilswarm.bencode.BencodeValue;
import org.veilswarm.metainfo.HashValue;

/**
 * Decodes BEP 3 length-prefixed messages ({@code <length:4><id:1><payload>}) into {@link PeerMessage}s.
 *
 * <p>Lengths are checked as soon as the prefix and id have arrived, so an oversized frame is refused
 * before it is buffered. The first {@link PeerWireException} closes the channel and everything after it
 * is discarded: one peer's bad message ends that peer's connection only. Not sharable (it buffers).
 */
public final class PeerMessageDecoder extends ByteToMessageDecoder {

    private static final int HASH_HEADER_LENGTH = 32 + 4 * 4;

    private final PeerWireLimits limits;
    private final BencodeDecoder bencode;
    private int pieceCount;
    private int utMetadataId;
    private boolean failed;

    /**
     * @param pieceCount   the torrent's piece count, or -1 while it is unknown (before BEP 9 metadata);
     *                     piece indices and bitfields are checked against it when known
     * @param utMetadataId the extended id we announced for {@code ut_metadata} (BEP 9), 0 for none
     */
    public PeerMessageDecoder(PeerWireLimits limits, int pieceCount, int utMetadataId) {
        this.limits = limits;
        // Lenient key order: BEP 10 dictionaries from other clients are not always sorted.
        this.bencode = BencodeDecoder.lenient().withLimits(BencodeLimits.DEFAULT
                .withMaxInputBytes(limits.maxMessageLength()).withMaxDepth(16).withMaxElements(10_000));
        pieceCount(pieceCount);
        utMetadataId(utMetadataId);
    }

    /** Sets the piece count once it is known (after metadata arrived through BEP 9). */
    public void pieceCount(int count) {
        if (count < -1) {
            throw new IllegalArgumentException("piece count " + count);
        }
        this.pieceCount = count;
    }

    public void utMetadataId(int id) {
        if (id < 0 || id > 255) {
            throw new IllegalArgumentException("extended id must be 0..255: " + id);
        }
        this.utMetadataId = id;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        try {
            decodeNext(in, out);
        } catch (PeerWireException e) {
            failed = true;
            in.skipBytes(in.readableBytes());
            throw e;
        }
    }

    private void decodeNext(ByteBuf in, List<Object> out) {
        if (in.readableBytes() < 4) {
            return;
        }
        int start = in.readerIndex();
        long length = in.getUnsignedInt(start);
        if (length == 0) {
            in.skipBytes(4);
            out.add(Signal.KEEP_ALIVE);
            return;
        }
        if (length > Math.max(limits.maxMessageLength(), limits.maxPieceFrameLength())) {
            throw new PeerWireException("message of " + length + " bytes exceeds the limit of "
                    + Math.max(limits.maxMessageLength(), limits.maxPieceFrameLength()));
        }
        if (in.readableBytes() >= 5) {
            checkLength(in.getUnsignedByte(start + 4), (int) length);
        }
        if (in.readableBytes() < 4 + length) {
            return;
        }
        ByteBuf frame = in.retainedSlice(start + 4, (int) length);
        in.skipBytes(4 + (int) length);
        try {
            out.add(decodeFrame(frame));
        } finally {
            frame.release();
        }
    }

    /** Refuses a frame whose length cannot be right for its id, before its payload is buffered. */
    private void checkLength(int id, int length) {
        int max = switch (id) {
            case MessageIds.PIECE -> limits.maxPieceFrameLength();
            case MessageIds.CHOKE, MessageIds.UNCHOKE, MessageIds.INTERESTED, MessageIds.NOT_INTERESTED,
                    MessageIds.HAVE_ALL, MessageIds.HAVE_NONE -> 1;
            case MessageIds.HAVE, MessageIds.SUGGEST_PIECE, MessageIds.ALLOWED_FAST -> 5;
            case MessageIds.REQUEST, MessageIds.CANCEL, MessageIds.REJECT_REQUEST -> 13;
            case MessageIds.PORT -> 3;
            case MessageIds.HASH_REQUEST, MessageIds.HASH_REJECT -> 1 + HASH_HEADER_LENGTH;
            case MessageIds.BITFIELD, MessageIds.EXTENDED, MessageIds.HASHES -> limits.maxMessageLength();
            default -> throw new UnknownMessageException(id);
        };
        if (length > max) {
            throw new PeerWireException("message id " + id + " of " + length + " bytes exceeds " + max);
        }
    }

    private PeerMessage decodeFrame(ByteBuf frame) {
        int id = frame.readUnsignedByte();
        try {
            // Holders (piece, extended, metadata data) take the frame to its end, so a message that
            // fails this check never holds a buffer.
            PeerMessage message = decodePayload(id, frame);
            if (frame.isReadable()) {
                throw new PeerWireException("message id " + id + " has " + frame.readableBytes() + " extra bytes");
            }
            return message;
        } catch (IllegalArgumentException e) {
            // A value type refused a field: the peer sent it.
            throw new PeerWireException("message id " + id + ": " + e.getMessage(), e);
        }
    }

    private PeerMessage decodePayload(int id, ByteBuf p) {
        switch (id) {
            case MessageIds.CHOKE: return expectEmpty(p, Signal.CHOKE);
            case MessageIds.UNCHOKE: return expectEmpty(p, Signal.UNCHOKE);
            case MessageIds.INTERESTED: return expectEmpty(p, Signal.INTERESTED);
            case MessageIds.NOT_INTERESTED: return expectEmpty(p, Signal.NOT_INTERESTED);
            case MessageIds.HAVE_ALL: return expectEmpty(p, Signal.HAVE_ALL);
            case MessageIds.HAVE_NONE: return expectEmpty(p, Signal.HAVE_NONE);
            case MessageIds.HAVE: return new Have(pieceIndex(p, id, 4));
            case MessageIds.SUGGEST_PIECE: return new SuggestPiece(pieceIndex(p, id, 4));
            case MessageIds.ALLOWED_FAST: return new AllowedFast(pieceIndex(p, id, 4));
            case MessageIds.REQUEST: return block(BlockRequest.Kind.REQUEST, p);
            case MessageIds.CANCEL: return block(BlockRequest.Kind.CANCEL, p);
            case MessageIds.REJECT_REQUEST: return block(BlockRequest.Kind.REJECT, p);
            case MessageIds.BITFIELD: return bitfield(p);
            case MessageIds.PIECE: return piece(p);
            case MessageIds.PORT:
                requireLength(p, id, 2);
                return new DhtPort(p.readUnsignedShort());
            case MessageIds.EXTENDED: return extended(p);
            case MessageIds.HASH_REQUEST:
                requireLength(p, id, HASH_HEADER_LENGTH);
                return new HashRequest(hashRange(p, true));
            case MessageIds.HASH_REJECT:
                requireLength(p, id, HASH_HEADER_LENGTH);
                return new HashReject(hashRange(p, false));
            case MessageIds.HASHES: return hashes(p);
            default: throw new UnknownMessageException(id);
        }
    }

    private static PeerMessage expectEmpty(ByteBuf p, Signal signal) {
        if (p.isReadable()) {
            throw new PeerWireException(signal + " carries " + p.readableBytes() + " unexpected bytes");
        }
        return signal;
    }

    private static void requireLength(ByteBuf p, int id, int length) {
        if (p.readableBytes() != length) {
            throw new PeerWireException("message id " + id + " needs " + length + " payload bytes, got "
                    + p.readableBytes());
        }
    }

    private int pieceIndex(ByteBuf p, int id, int length) {
        requireLength(p, id, length);
        return checkedPiece(p.readUnsignedInt());
    }

    private int checkedPiece(long piece) {
        if (piece > Integer.MAX_VALUE || (pieceCount >= 0 && piece >= pieceCount)) {
            throw new PeerWireException("piece index " + piece + " out of range"
                    + (pieceCount >= 0 ? " (" + pieceCount + " pieces)" : ""));
        }
        return (int) piece;
    }

    private BlockRequest block(BlockRequest.Kind kind, ByteBuf p) {
        requireLength(p, kind.id(), 12);
        int piece = checkedPiece(p.readUnsignedInt());
        long offset = p.readUnsignedInt();
        long length = p.readUnsignedInt();
        if (length < 1 || length > limits.maxBlockLength()) {
            throw new PeerWireException(kind + " of " + length + " bytes (1.." + limits.maxBlockLength() + " allowed)");
        }
        if (offset > Integer.MAX_VALUE - length) {
            throw new PeerWireException(kind + " offset " + offset + " out of range");
        }
        return new BlockRequest(kind, piece, (int) offset, (int) length);
    }

    private Bitfield bitfield(ByteBuf p) {
        if (!p.isReadable()) {
            throw new PeerWireException("empty bitfield");
        }
        byte[] bytes = new byte[p.readableBytes()];
        p.readBytes(bytes);
        Bitfield bitfield = Bitfield.wrap(bytes);
        if (pieceCount >= 0) {
            bitfield.validate(pieceCount);
        }
        return bitfield;
    }

    private Piece piece(ByteBuf p) {
        if (p.readableBytes() < 9) {
            throw new PeerWireException("piece message of " + p.readableBytes() + " payload bytes has no block");
        }
        int piece = checkedPiece(p.readUnsignedInt());
        long offset = p.readUnsignedInt();
        if (offset > Integer.MAX_VALUE - p.readableBytes()) {
            throw new PeerWireException("piece offset " + offset + " out of range");
        }
        return new Piece(piece, (int) offset, p.readRetainedSlice(p.readableBytes()));
    }

    private PeerMessage extended(ByteBuf p) {
        if (!p.isReadable()) {
            throw new PeerWireException("extended message without an extended id");
        }
        int extendedId = p.readUnsignedByte();
        if (extendedId == MessageIds.EXTENDED_HANDSHAKE) {
            return ExtendedHandshake.of(dictionary(readAll(p), "extension handshake"));
        }
        if (extendedId == utMetadataId) {
            return UtMetadataCodec.decode(extendedId, p, bencode);
        }
        // BEP 10: ids we did not announce are the engine's to ignore; the payload is passed on untouched.
        return new ExtendedMessage(extendedId, p.readRetainedSlice(p.readableBytes()));
    }

    private BencodeDictionary dictionary(byte[] bytes, String what) {
        try {
            return bencode.decodeDictionary(bytes);
        } catch (BencodeException e) {
            throw new PeerWireException(what + ": " + e.getMessage(), e);
        }
    }

    static byte[] readAll(ByteBuf p) {
        byte[] bytes = new byte[p.readableBytes()];
        p.readBytes(bytes);
        return bytes;
    }

    private HashRange hashRange(ByteBuf p, boolean enforceRequestLimit) {
        byte[] root = new byte[32];
        p.readBytes(root);
        long baseLayer = p.readUnsignedInt();
        long index = p.readUnsignedInt();
        long length = p.readUnsignedInt();
        long proofLayers = p.readUnsignedInt();
        // A tree over 2^63 bytes of 16 KiB blocks has at most 49 levels above the leaves.
        if (baseLayer > 64 || proofLayers > 64) {
            throw new PeerWireException("hash range with base layer " + baseLayer + " and proof layers " + proofLayers);
        }
        if (length > limits.maxHashesRequested() && enforceRequestLimit) {
            throw new PeerWireException("hash request for " + length + " hashes exceeds " + limits.maxHashesRequested());
        }
        if (index > Integer.MAX_VALUE || length > Integer.MAX_VALUE) {
            throw new PeerWireException("hash range index " + index + " or length " + length + " out of range");
        }
        return new HashRange(HashValue.of(root), (int) baseLayer, (int) index, (int) length, (int) proofLayers);
    }

    private Hashes hashes(ByteBuf p) {
        if (p.readableBytes() < HASH_HEADER_LENGTH + 32 || (p.readableBytes() - HASH_HEADER_LENGTH) % 32 != 0) {
            throw new PeerWireException("hashes message of " + p.readableBytes()
                    + " payload bytes is not a header and a whole number of 32-byte hashes");
        }
        HashRange range = hashRange(p, false);
        int count = p.readableBytes() / 32;
        if ((long) count > (long) range.length() + range.proofLayers()) {
            throw new PeerWireException("hashes message carries " + count + " hashes for length " + range.length()
                    + " and " + range.proofLayers() + " proof layers");
        }
        return new Hashes(range, readAll(p));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof PeerWireException) {
            ctx.fireExceptionCaught(cause);
            ctx.close();
        } else {
            ctx.fireExceptionCaught(cause);
        }
    }

    /** Bencode integer field helper shared with {@link UtMetadataCodec}. */
    static long integer(BencodeDictionary dict, String key, String what) {
        BencodeValue v = dict.get(key).orElseThrow(() -> new PeerWireException(what + " has no " + key));
        if (!(v instanceof BencodeInteger i)) {
            throw new PeerWireException(what + ": " + key + " is a " + v.typeName() + ", not an integer");
        }
        return i.value();
    }
}
