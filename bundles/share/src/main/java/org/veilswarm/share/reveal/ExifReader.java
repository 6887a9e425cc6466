package org.veilswarm.share.reveal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.veilswarm.share.api.RevealFinding.Kind;

/**
 * Finds identifying EXIF tags in the first bytes of a JPEG: walks the JPEG markers up to the APP1 "Exif" segment
 * (JPEG ITU-T T.81 Annex B; EXIF 2.32 §4.5.4), then the TIFF IFD0, the Exif IFD and the GPS IFD (TIFF 6.0 §2).
 * Every offset is checked against the segment; anything malformed ends the scan quietly with what was found.
 */
final class ExifReader {
    /** TIFF/EXIF tag numbers (EXIF 2.32 tables 4, 7, 15). */
    private static final int ARTIST = 0x013B;
    private static final int COPYRIGHT = 0x8298;
    private static final int EXIF_IFD = 0x8769;
    private static final int GPS_IFD = 0x8825;
    private static final int BODY_SERIAL = 0xA431;
    private static final int LENS_SERIAL = 0xA435;
    private static final int GPS_LATITUDE = 0x0002;
    private static final int TYPE_ASCII = 2;
    private static final int MAX_ENTRIES = 512;

    record Found(Kind kind, String detail) {
    }

    private ExifReader() {
    }

    static boolean isJpeg(byte[] head, int length) {
        return length >= 3 && (head[0] & 0xFF) == 0xFF && (head[1] & 0xFF) == 0xD8 && (head[2] & 0xFF) == 0xFF;
    }

    static List<Found> read(byte[] data, int length) {
        List<Found> found = new ArrayList<>();
        int pos = 2;
        while (pos + 4 <= length) {
            if ((data[pos] & 0xFF) != 0xFF) {
                return found;
            }
            int marker = data[pos + 1] & 0xFF;
            if (marker == 0xDA || marker == 0xD9) { // start of scan or end of image: no more metadata segments
                return found;
            }
            int segmentLength = ((data[pos + 2] & 0xFF) << 8) | (data[pos + 3] & 0xFF);
            if (segmentLength < 2) {
                return found;
            }
            int start = pos + 4;
            int end = Math.min(length, pos + 2 + segmentLength);
            if (marker == 0xE1 && end - start > 6 && new String(data, start, 6, StandardCharsets.ISO_8859_1)
                    .equals("Exif\0\0")) {
                readTiff(ByteBuffer.wrap(data, start + 6, end - start - 6).slice(), found);
            }
            pos = pos + 2 + segmentLength;
        }
        return found;
    }

    private static void readTiff(ByteBuffer tiff, List<Found> found) {
        if (tiff.remaining() < 8) {
            return;
        }
        int order = tiff.getShort(0);
        if (order == 0x4949) {
            tiff.order(ByteOrder.LITTLE_ENDIAN);
        } else if (order != 0x4D4D) {
            return;
        }
        if ((tiff.getShort(2) & 0xFFFF) != 42) {
            return;
        }
        long ifd0 = tiff.getInt(4) & 0xFFFFFFFFL;
        for (Entry e : entries(tiff, ifd0)) {
            switch (e.tag) {
                case ARTIST -> ascii(tiff, e).ifPresent(s -> found.add(new Found(Kind.EXIF_AUTHOR, "Artist: " + s)));
                case COPYRIGHT -> ascii(tiff, e).ifPresent(s -> found.add(new Found(Kind.EXIF_AUTHOR, "Copyright: " + s)));
                case EXIF_IFD -> {
                    for (Entry x : entries(tiff, e.value)) {
                        if (x.tag == BODY_SERIAL) {
                            ascii(tiff, x).ifPresent(s -> found.add(new Found(Kind.EXIF_CAMERA_SERIAL, "camera serial: " + s)));
                        } else if (x.tag == LENS_SERIAL) {
                            ascii(tiff, x).ifPresent(s -> found.add(new Found(Kind.EXIF_CAMERA_SERIAL, "lens serial: " + s)));
                        }
                    }
                }
                case GPS_IFD -> {
                    for (Entry g : entries(tiff, e.value)) {
                        if (g.tag == GPS_LATITUDE) {
                            found.add(new Found(Kind.EXIF_GPS, "GPS position recorded"));
                            break;
                        }
                    }
                }
                default -> {
                }
            }
        }
    }

    private record Entry(int tag, int type, long count, long value, int valueOffsetPosition) {
    }

    private static List<Entry> entries(ByteBuffer tiff, long offset) {
        List<Entry> entries = new ArrayList<>();
        if (offset < 8 || offset + 2 > tiff.limit()) {
            return entries;
        }
        int count = tiff.getShort((int) offset) & 0xFFFF;
        if (count > MAX_ENTRIES) {
            return entries;
        }
        for (int i = 0; i < count; i++) {
            int at = (int) offset + 2 + i * 12;
            if (at + 12 > tiff.limit()) {
                break;
            }
            entries.add(new Entry(tiff.getShort(at) & 0xFFFF, tiff.getShort(at + 2) & 0xFFFF,
                    tiff.getInt(at + 4) & 0xFFFFFFFFL, tiff.getInt(at + 8) & 0xFFFFFFFFL, at + 8));
        }
        return entries;
    }

    /** An ASCII value: inline when at most 4 bytes (TIFF 6.0 §2 "Value Offset"), otherwise at its offset. */
    private static java.util.Optional<String> ascii(ByteBuffer tiff, Entry e) {
        if (e.type != TYPE_ASCII || e.count == 0 || e.count > 4096) {
            return java.util.Optional.empty();
        }
        int start = e.count <= 4 ? e.valueOffsetPosition : (int) Math.min(e.value, Integer.MAX_VALUE);
        if (start < 0 || start + e.count > tiff.limit()) {
            return java.util.Optional.empty();
        }
        byte[] bytes = new byte[(int) e.count];
        tiff.get(start, bytes);
        String s = Text.clean(new String(bytes, StandardCharsets.ISO_8859_1));
        return s.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(s);
    }
}
