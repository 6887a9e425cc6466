package org.veilswarm.swarm.storage;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;

import org.veilswarm.bencode.BencodeDecoder;
import org.veilswarm.bencode.BencodeDictionary;
import org.veilswarm.bencode.BencodeEncoder;
import org.veilswarm.bencode.BencodeException;
import org.veilswarm.bencode.BencodeInteger;
import org.veilswarm.bencode.BencodeList;
import org.veilswarm.bencode.BencodeString;
import org.veilswarm.bencode.BencodeValue;

/**
 * The bencoded resume file: which pieces were verified and durably written, and the stamps of the
 * files at that moment.
 *
 * <pre>
 * d 7:version i1e  9:info-hash 32:&lt;v2 info-hash&gt;  11:piece count iNe
 *   6:pieces &lt;bitfield, BEP 3 order: piece 0 is the high bit of byte 0&gt;
 *   5:files l d 4:size iSe 11:mtime nanos iTe e ... e e
 * </pre>
 */
public record ResumeData(byte[] infoHash, int pieceCount, BitSet verified, List<FileStamp> files) {

    public static final int VERSION = 1;

    public ResumeData {
        infoHash = infoHash.clone();
        verified = (BitSet) verified.clone();
        files = List.copyOf(files);
        if (pieceCount < 0 || verified.length() > pieceCount) {
            throw new IllegalArgumentException("verified bitfield exceeds " + pieceCount + " pieces");
        }
    }

    @Override
    public byte[] infoHash() {
        return infoHash.clone();
    }

    @Override
    public BitSet verified() {
        return (BitSet) verified.clone();
    }

    public byte[] encode() {
        List<BencodeValue> stamps = new ArrayList<>();
        for (FileStamp s : files) {
            stamps.add(BencodeDictionary.builder().put("size", s.size()).put("mtime nanos", s.mtimeNanos()).build());
        }
        return BencodeEncoder.encode(BencodeDictionary.builder()
                .put("version", VERSION)
                .put("info-hash", infoHash)
                .put("piece count", pieceCount)
                .put("pieces", bitfield(verified, pieceCount))
                .put("files", new BencodeList(stamps))
                .build());
    }

    /** Parses and validates a resume file; any defect is an exception (the caller then rechecks everything). */
    public static ResumeData decode(byte[] bytes) throws StorageException {
        try {
            BencodeDictionary d = BencodeDecoder.strict().decodeDictionary(bytes);
            if (integer(d, "version") != VERSION) {
                throw new StorageException("resume data version " + integer(d, "version") + " is not " + VERSION);
            }
            long pieceCount = integer(d, "piece count");
            if (pieceCount < 0 || pieceCount > Integer.MAX_VALUE) {
                throw new StorageException("resume data piece count " + pieceCount);
            }
            byte[] field = string(d, "pieces");
            if (field.length != (pieceCount + 7) / 8) {
                throw new StorageException("resume bitfield has " + field.length + " bytes for " + pieceCount + " pieces");
            }
            BitSet verified = new BitSet();
            for (int p = 0; p < pieceCount; p++) {
                if ((field[p >>> 3] & (0x80 >>> (p & 7))) != 0) {
                    verified.set(p);
                }
            }
            for (int p = (int) pieceCount; p < field.length * 8; p++) {
                if ((field[p >>> 3] & (0x80 >>> (p & 7))) != 0) {
                    throw new StorageException("resume bitfield sets spare bit " + p);
                }
            }
            List<FileStamp> stamps = new ArrayList<>();
            BencodeValue list = d.get("files").orElseThrow(() -> new StorageException("resume data lacks files"));
            if (!(list instanceof BencodeList files)) {
                throw new StorageException("resume files is not a list");
            }
            for (BencodeValue v : files.values()) {
                if (!(v instanceof BencodeDictionary f)) {
                    throw new StorageException("resume file entry is not a dictionary");
                }
                stamps.add(new FileStamp(integer(f, "size"), integer(f, "mtime nanos")));
            }
            return new ResumeData(string(d, "info-hash"), (int) pieceCount, verified, stamps);
        } catch (BencodeException e) {
            throw new StorageException("resume data is not valid bencoding: " + e.getMessage(), e);
        }
    }

    static byte[] bitfield(BitSet bits, int pieceCount) {
        byte[] out = new byte[(pieceCount + 7) / 8];
        bits.stream().forEach(p -> out[p >>> 3] |= (byte) (0x80 >>> (p & 7)));
        return out;
    }

    private static long integer(BencodeDictionary d, String key) throws StorageException {
        if (d.get(key).orElse(null) instanceof BencodeInteger i) {
            return i.value();
        }
        throw new StorageException("resume data lacks integer '" + key + "'");
    }

    private static byte[] string(BencodeDictionary d, String key) throws StorageException {
        if (d.get(key).orElse(null) instanceof BencodeString s) {
            return s.bytes();
        }
        throw new StorageException("resume data lacks string '" + key + "'");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ResumeData r && java.util.Arrays.equals(infoHash, r.infoHash) && pieceCount == r.pieceCount
                && verified.equals(r.verified) && files.equals(r.files);
    }

    @Override
    public int hashCode() {
        return Objects.hash(java.util.Arrays.hashCode(infoHash), pieceCount, verified, files);
    }
}
