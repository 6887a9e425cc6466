package org.veilswarm.console.impl.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a {@code multipart/form-data} request body (RFC 7578, delimiters after RFC 2046 §5.1.1) in one pass,
 * streaming the file part to a temporary file and keeping small text fields in memory.
 *
 * <p>The console parses uploads itself instead of using the container's multipart support so that the size
 * limit is exact and reported as 413, the temporary file is ours (owner-only, deleted by the caller), and
 * nothing but the one expected file part is ever written to disk.
 *
 * @param file the temporary file holding the file part (the caller deletes it)
 * @param fileName the client's file name for the part, or {@code ""}
 * @param size bytes in the file part
 * @param fields the other (small, text) form fields
 */
public record MultipartUpload(Path file, String fileName, long size, Map<String, String> fields) {

    /** Largest text field accepted besides the file (e.g. {@code start=true}). */
    static final int MAX_FIELD_BYTES = 1024;
    /** At most this many parts. */
    static final int MAX_PARTS = 16;
    /** Bytes allowed in one part's headers. */
    static final int MAX_HEADER_BYTES = 8 * 1024;
    /** Longest boundary RFC 2046 allows. */
    static final int MAX_BOUNDARY_LENGTH = 70;

    public MultipartUpload {
        fields = Map.copyOf(fields);
    }

    /**
     * The boundary parameter of a {@code multipart/form-data} content type.
     *
     * @throws ApiException 415 if the type is not multipart/form-data, 400 if the boundary is missing or invalid
     */
    public static String boundary(String contentType) throws ApiException {
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
            throw new ApiException(415, "expected multipart/form-data, got " + contentType);
        }
        for (String parameter : contentType.split(";")) {
            String p = parameter.strip();
            if (p.regionMatches(true, 0, "boundary=", 0, 9)) {
                String value = p.substring(9).strip();
                if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                    value = value.substring(1, value.length() - 1);
                }
                if (value.isEmpty() || value.length() > MAX_BOUNDARY_LENGTH) {
                    throw ApiException.badRequest("multipart boundary must be 1 to " + MAX_BOUNDARY_LENGTH
                            + " characters long");
                }
                return value;
            }
        }
        throw ApiException.badRequest("multipart/form-data content type without a boundary parameter");
    }

    /**
     * Reads the whole body.
     *
     * @param body the request body
     * @param boundary from {@link #boundary(String)}
     * @param fileField the name of the one file part wanted (other file-sized parts are refused)
     * @param maxFileBytes the largest file accepted
     * @param tempDir where to put the temporary file, or {@code null} for the system's
     * @throws ApiException 400 for a malformed body or a missing file part, 413 for a file over the limit
     */
    public static MultipartUpload read(InputStream body, String boundary, String fileField, long maxFileBytes,
            Path tempDir) throws ApiException, IOException {
        Scanner scanner = new Scanner(body);
        byte[] delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        // The preamble (text before the first boundary, RFC 2046 §5.1.1) is ignored, but bounded.
        if (scanner.copy(delimiter, OutputStream.nullOutputStream(), MAX_HEADER_BYTES, () -> ApiException.badRequest(
                "malformed multipart body: no boundary in the first " + MAX_HEADER_BYTES + " bytes")) < 0) {
            throw ApiException.badRequest("malformed multipart body: boundary not found");
        }
        Path file = null;
        String fileName = null;
        long size = 0;
        Map<String, String> fields = new LinkedHashMap<>();
        boolean complete = false;
        try {
            for (int parts = 0; parts <= MAX_PARTS; parts++) {
                if (scanner.afterDelimiterIsEnd()) {
                    complete = true;
                    break;
                }
                if (parts == MAX_PARTS) {
                    throw ApiException.badRequest("malformed multipart body: more than " + MAX_PARTS + " parts");
                }
                Disposition disposition = scanner.readPartHeaders();
                if (fileField.equals(disposition.name)) {
                    if (file != null) {
                        throw ApiException.badRequest("more than one '" + fileField + "' part in the upload");
                    }
                    file = tempDir == null ? Files.createTempFile("veilswarm-upload-", ".jar")
                            : Files.createTempFile(tempDir, "veilswarm-upload-", ".jar");
                    fileName = disposition.fileName == null ? "" : disposition.fileName;
                    try (OutputStream out = Files.newOutputStream(file)) {
                        size = scanner.copyPart(delimiter, out, maxFileBytes, () -> new ApiException(413,
                                "upload larger than the limit of " + maxFileBytes / (1024 * 1024) + " MiB"));
                    }
                } else {
                    ByteArrayOutputStream value = new ByteArrayOutputStream();
                    String name = disposition.name;
                    scanner.copyPart(delimiter, value, MAX_FIELD_BYTES, () -> ApiException.badRequest(
                            "form field '" + name + "' longer than " + MAX_FIELD_BYTES + " bytes"));
                    fields.put(name, value.toString(StandardCharsets.UTF_8));
                }
            }
            if (!complete) {
                throw ApiException.badRequest("malformed multipart body: no closing boundary");
            }
            if (file == null) {
                throw ApiException.badRequest("the upload has no '" + fileField + "' part (send the bundle jar as"
                        + " multipart/form-data field '" + fileField + "')");
            }
            MultipartUpload upload = new MultipartUpload(file, fileName, size, fields);
            file = null;
            return upload;
        } finally {
            if (file != null) {
                Files.deleteIfExists(file);
            }
        }
    }

    private record Disposition(String name, String fileName) {
    }

    private interface Refusal {
        ApiException get();
    }

    /** A buffered view of the body that can copy up to a delimiter without reading past it. */
    private static final class Scanner {
        private final InputStream in;
        private final byte[] buffer = new byte[64 * 1024];
        private int start;
        private int end;
        private boolean eof;

        Scanner(InputStream in) {
            this.in = in;
            // The first delimiter has no CRLF before it (RFC 2046 §5.1.1): pretend there was one.
            buffer[0] = '\r';
            buffer[1] = '\n';
            end = 2;
        }

        long copyPart(byte[] delimiter, OutputStream sink, long limit, Refusal tooLarge)
                throws IOException, ApiException {
            long copied = copy(delimiter, sink, limit, tooLarge);
            if (copied < 0) {
                throw ApiException.badRequest("malformed multipart body: part not terminated by a boundary"
                        + " (truncated upload?)");
            }
            return copied;
        }

        /** Copies the bytes before the next delimiter to {@code sink} and consumes it; -1 at EOF. */
        long copy(byte[] delimiter, OutputStream sink, long limit, Refusal tooLarge)
                throws IOException, ApiException {
            long copied = 0;
            while (true) {
                int found = indexOf(delimiter);
                int safe = found >= 0 ? found - start : Math.max(0, end - start - (delimiter.length - 1));
                if (eof && found < 0) {
                    safe = end - start;
                }
                if (safe > 0) {
                    copied += safe;
                    if (copied > limit) {
                        throw tooLarge.get();
                    }
                    sink.write(buffer, start, safe);
                    start += safe;
                }
                if (found >= 0) {
                    start += delimiter.length;
                    return copied;
                }
                if (eof) {
                    return -1;
                }
                fill();
            }
        }

        /** After a delimiter: {@code --} ends the body; otherwise optional blanks and CRLF start a part. */
        boolean afterDelimiterIsEnd() throws IOException, ApiException {
            ensure(2);
            if (end - start >= 2 && buffer[start] == '-' && buffer[start + 1] == '-') {
                return true;
            }
            String rest = readLine(MAX_HEADER_BYTES);
            if (!rest.isBlank()) {
                throw ApiException.badRequest("malformed multipart body: unexpected data after a boundary");
            }
            return false;
        }

        Disposition readPartHeaders() throws IOException, ApiException {
            String name = null;
            String fileName = null;
            int total = 0;
            while (true) {
                String line = readLine(MAX_HEADER_BYTES - total);
                total += line.length() + 2;
                if (line.isEmpty()) {
                    break;
                }
                int colon = line.indexOf(':');
                if (colon <= 0) {
                    throw ApiException.badRequest("malformed multipart body: bad part header line");
                }
                if (line.substring(0, colon).strip().equalsIgnoreCase("Content-Disposition")) {
                    Map<String, String> parameters = dispositionParameters(line.substring(colon + 1));
                    name = parameters.get("name");
                    fileName = parameters.get("filename");
                }
            }
            if (name == null) {
                throw ApiException.badRequest("malformed multipart body: a part has no Content-Disposition name");
            }
            return new Disposition(name, fileName);
        }

        private String readLine(int max) throws IOException, ApiException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            while (true) {
                ensure(2);
                if (end - start < 2) {
                    throw ApiException.badRequest("malformed multipart body: truncated part headers");
                }
                if (buffer[start] == '\r' && buffer[start + 1] == '\n') {
                    start += 2;
                    return line.toString(StandardCharsets.UTF_8);
                }
                line.write(buffer[start++]);
                if (line.size() > max) {
                    throw ApiException.badRequest("malformed multipart body: part headers longer than "
                            + MAX_HEADER_BYTES + " bytes");
                }
            }
        }

        private int indexOf(byte[] delimiter) {
            outer:
            for (int i = start; i <= end - delimiter.length; i++) {
                for (int j = 0; j < delimiter.length; j++) {
                    if (buffer[i + j] != delimiter[j]) {
                        continue outer;
                    }
                }
                return i;
            }
            return -1;
        }

        private void ensure(int bytes) throws IOException {
            while (end - start < bytes && !eof) {
                fill();
            }
        }

        private void fill() throws IOException {
            if (start > 0) {
                System.arraycopy(buffer, start, buffer, 0, end - start);
                end -= start;
                start = 0;
            }
            int n = in.read(buffer, end, buffer.length - end);
            if (n < 0) {
                eof = true;
            } else {
                end += n;
            }
        }
    }

    /** Parameters of {@code form-data; name="file"; filename="a.jar"} (quoted strings with backslash escapes). */
    static Map<String, String> dispositionParameters(String value) {
        Map<String, String> parameters = new LinkedHashMap<>();
        int i = value.indexOf(';');
        while (i >= 0 && i < value.length()) {
            i++;
            int eq = value.indexOf('=', i);
            if (eq < 0) {
                break;
            }
            String key = value.substring(i, eq).strip().toLowerCase(Locale.ROOT);
            int j = eq + 1;
            while (j < value.length() && value.charAt(j) == ' ') {
                j++;
            }
            StringBuilder v = new StringBuilder();
            if (j < value.length() && value.charAt(j) == '"') {
                j++;
                while (j < value.length() && value.charAt(j) != '"') {
                    char c = value.charAt(j);
                    if (c == '\\' && j + 1 < value.length()) {
                        c = value.charAt(++j);
                    }
                    v.append(c);
                    j++;
                }
                j = value.indexOf(';', j);
            } else {
                int semicolon = value.indexOf(';', j);
                v.append(value, j, semicolon < 0 ? value.length() : semicolon);
                j = semicolon;
            }
            parameters.putIfAbsent(key, v.toString().strip());
            i = j;
        }
        return parameters;
    }
}
