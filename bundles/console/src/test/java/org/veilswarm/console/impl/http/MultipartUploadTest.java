package org.veilswarm.console.impl.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MultipartUploadTest {

    private static final String BOUNDARY = "----veilswarm7MA4YWxkTrZu0gW";

    @TempDir
    Path temp;

    /** A multipart body as browsers and curl build it. */
    private static byte[] body(byte[] file, String fileName, String... fields) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("preamble to ignore\r\n".getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < fields.length; i += 2) {
            out.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + fields[i]
                    + "\"\r\n\r\n" + fields[i + 1] + "\r\n").getBytes(StandardCharsets.UTF_8));
        }
        out.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                + fileName + "\"\r\nContent-Type: application/java-archive\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        out.write(file);
        out.writeBytes(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    private MultipartUpload read(InputStream in, long max) throws ApiException, IOException {
        return MultipartUpload.read(in, BOUNDARY, "file", max, temp);
    }

    private static byte[] tricky(int size) {
        // Random bytes, plus sequences that look like the start of a delimiter.
        byte[] data = new byte[size];
        new Random(42).nextBytes(data);
        byte[] almost = ("\r\n--" + BOUNDARY.substring(0, BOUNDARY.length() - 1) + "X").getBytes(
                StandardCharsets.US_ASCII);
        for (int at = 100; at + almost.length < size; at += 70_001) {
            System.arraycopy(almost, 0, data, at, almost.length);
        }
        return data;
    }

    @Test
    void extractsTheFileByteForByteAndTheFields() throws Exception {
        byte[] file = tricky(300_000);
        MultipartUpload upload = read(new ByteArrayInputStream(body(file, "my bundle.jar", "start", "true")),
                1 << 20);
        assertArrayEquals(file, Files.readAllBytes(upload.file()));
        assertEquals(file.length, upload.size());
        assertEquals("my bundle.jar", upload.fileName());
        assertEquals("true", upload.fields().get("start"));
    }

    @Test
    void worksWhenTheBodyArrivesOneByteAtATime() throws Exception {
        byte[] file = tricky(5_000);
        InputStream trickle = new FilterInputStream(new ByteArrayInputStream(body(file, "a.jar"))) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return super.read(b, off, Math.min(1, len));
            }
        };
        MultipartUpload upload = read(trickle, 1 << 20);
        assertArrayEquals(file, Files.readAllBytes(upload.file()));
    }

    @Test
    void anEmptyFileIsStillAFile() throws Exception {
        MultipartUpload upload = read(new ByteArrayInputStream(body(new byte[0], "empty.jar")), 10);
        assertEquals(0, upload.size());
    }

    @Test
    void tooLargeIs413AndLeavesNothingBehind() throws Exception {
        ApiException e = assertThrows(ApiException.class,
                () -> read(new ByteArrayInputStream(body(new byte[2 * 1024 * 1024 + 1], "big.jar")), 2 * 1024 * 1024));
        assertEquals(413, e.status());
        assertTrue(e.getMessage().contains("2 MiB"), e.getMessage());
        assertNoTemporaryFiles();
    }

    @Test
    void missingFilePartIs400() throws Exception {
        byte[] onlyField = ("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"start\"\r\n\r\ntrue\r\n--"
                + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII);
        ApiException e = assertThrows(ApiException.class, () -> read(new ByteArrayInputStream(onlyField), 100));
        assertEquals(400, e.status());
        assertTrue(e.getMessage().contains("no 'file' part"), e.getMessage());
    }

    @Test
    void truncatedBodiesAre400AndLeaveNothingBehind() throws Exception {
        byte[] whole = body(tricky(1000), "a.jar");
        for (int cut : new int[] {10, 60, 200, whole.length - 5}) {
            byte[] truncated = Arrays.copyOf(whole, cut);
            ApiException e = assertThrows(ApiException.class, () -> read(new ByteArrayInputStream(truncated), 1 << 20),
                    "cut at " + cut);
            assertEquals(400, e.status(), e.getMessage());
            assertTrue(e.getMessage().startsWith("malformed multipart body"), e.getMessage());
        }
        assertNoTemporaryFiles();
    }

    @Test
    void anEndlessPreambleIsRefused() {
        byte[] noise = new byte[MultipartUpload.MAX_HEADER_BYTES * 4];
        Arrays.fill(noise, (byte) 'x');
        ApiException e = assertThrows(ApiException.class, () -> read(new ByteArrayInputStream(noise), 100));
        assertEquals(400, e.status());
        assertTrue(e.getMessage().contains("no boundary in the first"), e.getMessage());
    }

    @Test
    void twoFilePartsAre400() throws Exception {
        String part = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.jar\"\r\n\r\n"
                + "x\r\n";
        byte[] two = (part + part + "--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII);
        ApiException e = assertThrows(ApiException.class, () -> read(new ByteArrayInputStream(two), 100));
        assertTrue(e.getMessage().contains("more than one 'file' part"), e.getMessage());
        assertNoTemporaryFiles();
    }

    @Test
    void boundaryFromContentType() throws ApiException {
        assertEquals("abc", MultipartUpload.boundary("multipart/form-data; boundary=abc"));
        assertEquals("a b", MultipartUpload.boundary("Multipart/Form-Data;charset=utf-8; BOUNDARY=\"a b\""));
        assertEquals(415, assertThrows(ApiException.class, () -> MultipartUpload.boundary("application/zip"))
                .status());
        assertEquals(415, assertThrows(ApiException.class, () -> MultipartUpload.boundary(null)).status());
        assertEquals(400, assertThrows(ApiException.class, () -> MultipartUpload.boundary("multipart/form-data"))
                .status());
        assertEquals(400, assertThrows(ApiException.class,
                () -> MultipartUpload.boundary("multipart/form-data; boundary=" + "x".repeat(71))).status());
    }

    @Test
    void dispositionParameters() {
        assertEquals("file", MultipartUpload.dispositionParameters(" form-data; name=\"file\"; filename=\"a\\\"b.jar\"")
                .get("name"));
        assertEquals("a\"b.jar", MultipartUpload.dispositionParameters(
                " form-data; name=\"file\"; filename=\"a\\\"b.jar\"").get("filename"));
        assertEquals("start", MultipartUpload.dispositionParameters("form-data; name=start").get("name"));
    }

    private void assertNoTemporaryFiles() throws IOException {
        try (Stream<Path> files = Files.list(temp)) {
            assertEquals(0, files.count());
        }
    }
}
