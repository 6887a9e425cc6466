package org.veilswarm.console.impl.probe;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * Checks that the console really answers on its port.
 *
 * <p>Felix HTTP logs "Failed to bind" and stays ACTIVE when its port is taken, so a registered servlet proves
 * nothing. The probe connects over TCP and sends {@code GET /management/ping-<nonce>}; only this console knows
 * the nonce and echoes it in {@value #HEADER}, so another program on the port (even another Veilswarm node)
 * is told apart from us.
 */
public final class PortProbe {

    /** Response header by which the console proves it is the one that was probed. */
    public static final String HEADER = "X-Veilswarm-Probe";
    /** Prefix of the probe's path segment after {@code /management/}. */
    public static final String PATH_PREFIX = "ping-";

    private static final int MAX_RESPONSE_HEAD = 16 * 1024;

    private PortProbe() {
    }

    /** What answered. */
    public enum Outcome {
        /** This console answered with the nonce. */
        OURS,
        /** Something accepted the connection but did not answer as this console. */
        FOREIGN,
        /** Nothing accepts connections there. */
        NOT_LISTENING
    }

    /**
     * @param outcome what answered
     * @param detail for the log: the status line or the connection error
     */
    public record Result(Outcome outcome, String detail) {
    }

    /** Probes until this console answers or {@code patience} has passed; returns the last result. */
    public static Result probeUntil(ConsoleEndpoint endpoint, String nonce, Duration patience, Duration pause)
            throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (true) {
            Result result = probeOnce(endpoint, nonce, Duration.ofSeconds(2));
            if (result.outcome() == Outcome.OURS || System.nanoTime() + pause.toNanos() > deadline) {
                return result;
            }
            Thread.sleep(pause.toMillis());
        }
    }

    /** One TCP connect and one HTTP request. */
    public static Result probeOnce(ConsoleEndpoint endpoint, String nonce, Duration timeout) {
        int millis = (int) Math.max(1, timeout.toMillis());
        try (Socket socket = new Socket()) {
            try {
                socket.connect(new InetSocketAddress(endpoint.host(), endpoint.port()), millis);
            } catch (ConnectException | SocketTimeoutException e) {
                return new Result(Outcome.NOT_LISTENING, e.toString());
            }
            socket.setSoTimeout(millis);
            String request = "GET /management/" + PATH_PREFIX + nonce + " HTTP/1.1\r\n"
                    + "Host: " + endpoint.authority() + "\r\n"
                    + "Connection: close\r\n\r\n";
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String head = readHead(socket.getInputStream());
            String statusLine = head.lines().findFirst().orElse("");
            String expected = HEADER.toLowerCase(Locale.ROOT) + ":";
            boolean ours = head.lines().anyMatch(line -> line.toLowerCase(Locale.ROOT).startsWith(expected)
                    && line.substring(expected.length()).strip().equals(nonce));
            return new Result(ours ? Outcome.OURS : Outcome.FOREIGN,
                    statusLine.isEmpty() ? "no HTTP response" : statusLine);
        } catch (IOException e) {
            return new Result(Outcome.FOREIGN, "connected, but no HTTP answer: " + e);
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        int b;
        while (head.size() < MAX_RESPONSE_HEAD && (b = in.read()) >= 0) {
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
            if (matched == end.length) {
                break;
            }
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }
}
