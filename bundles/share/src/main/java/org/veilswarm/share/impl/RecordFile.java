package org.veilswarm.share.impl;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * The Java properties form that {@link ShareRecord} and {@link DownloadRecord} are kept in: a {@code format} key
 * first, then the record's keys; reading names the kind of file ("share file", "download file") in every error.
 */
final class RecordFile {
    private final String kind;
    private final String format;

    /**
     * @param kind what the file is, as errors name it: {@code "share"} gives "share file without path"
     * @param format the only {@code format} value written and accepted
     */
    RecordFile(String kind, String format) {
        this.kind = kind;
        this.format = format;
    }

    /** Fresh properties holding the format, for the record to add its keys to before {@link #encode}. */
    Properties start() {
        Properties p = new Properties();
        p.setProperty("format", format);
        return p;
    }

    byte[] encode(Properties p) {
        StringWriter w = new StringWriter();
        try {
            p.store(w, null);
        } catch (IOException e) {
            throw new IllegalStateException("a StringWriter does not fail", e);
        }
        return w.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** @throws IOException when the bytes are not properties or hold another format */
    Properties decode(byte[] bytes) throws IOException {
        Properties p = new Properties();
        p.load(new StringReader(new String(bytes, StandardCharsets.UTF_8)));
        if (!format.equals(p.getProperty("format"))) {
            throw new IOException("unknown " + kind + " file format " + p.getProperty("format"));
        }
        return p;
    }

    /** @throws IOException when {@code key} is missing or blank */
    String required(Properties p, String key) throws IOException {
        String v = p.getProperty(key);
        if (v == null || v.isBlank()) {
            throw new IOException(kind + " file without " + key);
        }
        return v;
    }
}
