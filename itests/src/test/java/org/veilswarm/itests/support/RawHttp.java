package org.veilswarm.itests.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One HTTP/1.1 GET over a fresh TCP connection to 127.0.0.1 ({@code Connection: close}), the answer read whole: what
 * the tracker ITs send to the tracker's own HTTP server, byte for byte, with no client library in between.
 */
public record RawHttp(int status, String head, byte[] body) {

    public static RawHttp get(int port, String target) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            socket.getInputStream().transferTo(all);
            byte[] bytes = all.toByteArray();
            String text = new String(bytes, StandardCharsets.ISO_8859_1);
            int end = text.indexOf("\r\n\r\n");
            if (!text.startsWith("HTTP/1.1 ") || end < 0) {
                throw new IOException("not an HTTP answer: " + text);
            }
            return new RawHttp(Integer.parseInt(text.substring(9, 12)), text.substring(0, end),
                    Arrays.copyOfRange(bytes, end + 4, bytes.length));
        }
    }

    public String bodyText() {
        return new String(body, StandardCharsets.ISO_8859_1);
    }

    /** The whole answer as text, for failure messages. */
    @Override
    public String toString() {
        return head + "\r\n\r\n" + bodyText();
    }
}
