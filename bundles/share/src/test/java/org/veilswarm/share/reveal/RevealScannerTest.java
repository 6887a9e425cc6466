package org.veilswarm.share.reveal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veilswarm.share.api.RevealFinding;
import org.veilswarm.share.api.RevealFinding.Kind;
import org.veilswarm.share.api.RevealReport;
import org.veilswarm.share.api.ShareException;

class RevealScannerTest {
    @TempDir
    Path tmp;

    private final RevealScanner scanner = new RevealScanner("mallory");

    @Test
    void findsExifArtistGpsAndSerialInAGeneratedJpeg() throws IOException {
        Path photo = tmp.resolve("holiday.jpg");
        Files.write(photo, Jpegs.withExif(ByteOrder.BIG_ENDIAN, "Alice Example", "SN-4711", true));
        RevealReport report = scanner.scan(photo);
        assertTrue(has(report, Kind.EXIF_AUTHOR, "Artist: Alice Example"), report.findings().toString());
        assertTrue(has(report, Kind.EXIF_CAMERA_SERIAL, "SN-4711"), report.findings().toString());
        assertTrue(has(report, Kind.EXIF_GPS, "GPS"), report.findings().toString());
        assertEquals(List.of("holiday.jpg"), report.fileNames());
    }

    @Test
    void littleEndianExifIsReadAndAPlainJpegReportsNothing() throws IOException {
        Path tagged = tmp.resolve("a.jpg");
        Files.write(tagged, Jpegs.withExif(ByteOrder.LITTLE_ENDIAN, "Bob", "", false));
        Path plain = tmp.resolve("b.jpg");
        Files.write(plain, Jpegs.withoutExif());
        RevealReport report = scanner.scan(tmp);
        assertTrue(has(report, Kind.EXIF_AUTHOR, "Artist: Bob"));
        assertFalse(report.findings().stream().anyMatch(f -> f.path().equals("b.jpg")), report.findings().toString());
        assertFalse(has(report, Kind.EXIF_GPS, ""));
    }

    @Test
    void truncatedOrHostileExifEndsQuietly() throws IOException {
        byte[] good = Jpegs.withExif(ByteOrder.BIG_ENDIAN, "Carol", "X", true);
        for (int cut = 4; cut < good.length; cut += 7) {
            Path f = tmp.resolve("cut" + cut + ".jpg");
            Files.write(f, java.util.Arrays.copyOf(good, cut));
        }
        RevealReport report = scanner.scan(tmp);
        assertFalse(report.findings().stream().anyMatch(f -> f.kind() == Kind.UNREADABLE), report.findings().toString());
    }

    @Test
    void findsPdfAuthorAndCreatorInLiteralAndHexStrings() throws IOException {
        Path pdf = tmp.resolve("report.pdf");
        String body = "%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n"
                + "9 0 obj << /Author (Dana \\(D.\\) Example) /Creator <FEFF00570072006900740065> /Producer (libfoo) >> endobj\n"
                + "trailer << /Info 9 0 R >>\n%%EOF\n";
        Files.writeString(pdf, body, StandardCharsets.ISO_8859_1);
        RevealReport report = scanner.scan(pdf);
        assertTrue(has(report, Kind.PDF_AUTHOR, "Author: Dana (D.) Example"), report.findings().toString());
        assertTrue(has(report, Kind.PDF_CREATOR, "Creator: Write"), report.findings().toString());
    }

    @Test
    void findsThePdfInfoAtTheEndOfALargeFile() throws IOException {
        Path pdf = tmp.resolve("big.pdf");
        try (OutputStream out = Files.newOutputStream(pdf)) {
            out.write("%PDF-1.4\n".getBytes(StandardCharsets.ISO_8859_1));
            out.write(new byte[RevealScanner.HEAD_BYTES * 3]);
            out.write("\n7 0 obj << /Author (Erin) >> endobj\n%%EOF".getBytes(StandardCharsets.ISO_8859_1));
        }
        assertTrue(has(scanner.scan(pdf), Kind.PDF_AUTHOR, "Author: Erin"));
    }

    @Test
    void findsOfficeCreatorAndLastModifiedBy() throws IOException {
        Path docx = tmp.resolve("letter.docx");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(docx))) {
            zip.putNextEntry(new ZipEntry("docProps/core.xml"));
            zip.write(("<?xml version=\"1.0\"?><cp:coreProperties xmlns:cp=\"x\" xmlns:dc=\"y\">"
                    + "<dc:creator>Frank &amp; Co</dc:creator><cp:lastModifiedBy>grace</cp:lastModifiedBy>"
                    + "</cp:coreProperties>").getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        RevealReport report = scanner.scan(docx);
        assertTrue(has(report, Kind.OFFICE_AUTHOR, "creator: Frank & Co"), report.findings().toString());
        assertTrue(has(report, Kind.OFFICE_AUTHOR, "lastModifiedBy: grace"), report.findings().toString());
    }

    @Test
    void aBrokenOfficeFileIsReportedUnreadableNotFatal() throws IOException {
        Files.writeString(tmp.resolve("broken.xlsx"), "not a zip");
        assertTrue(has(scanner.scan(tmp), Kind.UNREADABLE, ""));
    }

    @Test
    void flagsFoldersThatLookLikeUserNamesAndHiddenFiles() throws IOException {
        Path share = tmp.resolve("backup");
        Files.createDirectories(share.resolve("home/heidi/docs"));
        Files.writeString(share.resolve("home/heidi/docs/notes.txt"), "x");
        Files.createDirectories(share.resolve("projects/mallory"));
        Files.writeString(share.resolve("projects/mallory/a.txt"), "y");
        Files.writeString(share.resolve(".env"), "SECRET=1");
        Files.createDirectories(share.resolve("music"));
        RevealReport report = scanner.scan(share);
        assertTrue(report.findings().contains(new RevealFinding(Kind.USER_NAME_FOLDER, "home/heidi",
                "folder in a home-directory layout (home/heidi)")), report.findings().toString());
        assertTrue(has(report, Kind.USER_NAME_FOLDER, "named like this account: mallory"));
        assertTrue(report.findings().contains(new RevealFinding(Kind.HIDDEN_FILE, ".env", "hidden file")));
        assertFalse(report.findings().stream().anyMatch(f -> f.path().startsWith("music")));
        assertEquals(3, report.fileCount());
        assertEquals(List.of(".env", "home/heidi/docs/notes.txt", "projects/mallory/a.txt"),
                report.fileNames().stream().sorted().toList());
    }

    @Test
    void aShareThatIsAHomeFolderSaysSo() throws IOException {
        Path home = tmp.resolve("Users/ivan");
        Files.createDirectories(home);
        Files.writeString(home.resolve("f.txt"), "z");
        assertTrue(has(scanner.scan(home), Kind.USER_NAME_IN_NAME, "ivan"));
    }

    @Test
    void aMissingPathIsAClearError() {
        ShareException e = assertThrows(ShareException.class, () -> scanner.scan(tmp.resolve("nope")));
        assertTrue(e.getMessage().contains("no such file or folder"), e.getMessage());
    }

    private static boolean has(RevealReport report, Kind kind, String detailPart) {
        return report.findings().stream().anyMatch(f -> f.kind() == kind && f.detail().contains(detailPart));
    }

    /** Builds JPEG files byte by byte (JPEG markers, APP1 Exif, TIFF IFDs). */
    static final class Jpegs {
        static byte[] withoutExif() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xD8});
            out.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xE0, 0, 16});
            out.writeBytes("JFIF\0".getBytes(StandardCharsets.ISO_8859_1));
            out.writeBytes(new byte[9]);
            out.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xDA, 0, 2, 1, 2, 3, (byte) 0xFF, (byte) 0xD9});
            return out.toByteArray();
        }

        static byte[] withExif(ByteOrder order, String artist, String serial, boolean gps) {
            ByteBuffer t = ByteBuffer.allocate(1024).order(order);
            t.put(order == ByteOrder.BIG_ENDIAN ? new byte[] {'M', 'M'} : new byte[] {'I', 'I'});
            t.putShort((short) 42).putInt(8);
            // IFD0 at 8: Artist, ExifIFD, GPSIFD
            int entries0 = 1 + (serial.isEmpty() ? 0 : 1) + (gps ? 1 : 0);
            int ifd0End = 8 + 2 + entries0 * 12 + 4;
            int artistAt = ifd0End;
            byte[] artistBytes = (artist + "\0").getBytes(StandardCharsets.ISO_8859_1);
            int exifAt = artistAt + artistBytes.length + 1;
            int gpsAt = exifAt + 2 + 12 + 4 + 16;
            t.position(8).putShort((short) entries0);
            if (artistBytes.length <= 4) { // TIFF 6.0 §2: values of at most 4 bytes sit in the entry itself
                t.putShort((short) 0x013B).putShort((short) 2).putInt(artistBytes.length)
                        .put(java.util.Arrays.copyOf(artistBytes, 4));
            } else {
                entry(t, 0x013B, 2, artistBytes.length, artistAt);
            }
            if (!serial.isEmpty()) {
                entry(t, 0x8769, 4, 1, exifAt);
            }
            if (gps) {
                entry(t, 0x8825, 4, 1, gpsAt);
            }
            t.putInt(0);
            t.position(artistAt).put(artistBytes);
            if (!serial.isEmpty()) {
                byte[] s = (serial + "\0").getBytes(StandardCharsets.ISO_8859_1);
                t.position(exifAt).putShort((short) 1);
                entry(t, 0xA431, 2, s.length, exifAt + 2 + 12 + 4);
                t.putInt(0).put(s);
            }
            if (gps) {
                t.position(gpsAt).putShort((short) 1);
                entry(t, 0x0002, 5, 3, gpsAt + 2 + 12 + 4);
                t.putInt(0).put(new byte[24]);
            }
            byte[] tiff = java.util.Arrays.copyOf(t.array(), t.position());
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE1});
            int len = 2 + 6 + tiff.length;
            out.write(len >> 8);
            out.write(len & 0xFF);
            out.writeBytes("Exif\0\0".getBytes(StandardCharsets.ISO_8859_1));
            out.writeBytes(tiff);
            out.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xDA, 0, 2, 9, 9, (byte) 0xFF, (byte) 0xD9});
            return out.toByteArray();
        }

        private static void entry(ByteBuffer t, int tag, int type, int count, int value) {
            t.putShort((short) tag).putShort((short) type).putInt(count).putInt(value);
        }
    }
}
