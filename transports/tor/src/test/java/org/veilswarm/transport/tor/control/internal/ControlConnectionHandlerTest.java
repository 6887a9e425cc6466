package org.veilswarm.transport.tor.control.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.veilswarm.transport.tor.control.ControlConnectionClosedException;
import org.veilswarm.transport.tor.control.ControlProtocolException;
import org.veilswarm.transport.tor.control.ControlReply;

/** Commands go out as CRLF lines; replies are matched in order; events go elsewhere; closing fails what is pending. */
class ControlConnectionHandlerTest {
    private final List<ControlReply> events = new ArrayList<>();
    private ControlConnectionHandler handler;
    private EmbeddedChannel channel;

    @BeforeEach
    void setUp() {
        handler = new ControlConnectionHandler(events::add);
        channel = new EmbeddedChannel(new ControlReplyDecoder(), handler);
    }

    @AfterEach
    void tearDown() {
        channel.finishAndReleaseAll();
    }

    @Test
    void repliesAreMatchedToCommandsInOrderAndEventsAreSeparated() {
        CompletableFuture<ControlReply> first = send("GETINFO version");
        CompletableFuture<ControlReply> second = send("GETINFO nosuch");
        assertEquals("GETINFO version\r\nGETINFO nosuch\r\n", written());
        receive("650 BW 1 2\r\n250-version=0.4.9.11\r\n250 OK\r\n");
        assertTrue(first.isDone());
        assertFalse(second.isDone());
        receive("552 Unrecognized key \"nosuch\"\r\n");
        assertEquals("version=0.4.9.11", first.join().firstText());
        assertEquals(552, second.join().status());
        assertEquals(1, events.size());
        assertEquals("BW 1 2", events.get(0).firstText());
    }

    @Test
    void closingFailsEveryPendingCommandAndLaterOnes() {
        CompletableFuture<ControlReply> a = send("GETINFO version");
        CompletableFuture<ControlReply> b = send("SIGNAL NEWNYM");
        channel.close();
        for (CompletableFuture<ControlReply> pending : List.of(a, b, send("GETINFO version"))) {
            ExecutionException e = assertThrows(ExecutionException.class, pending::get);
            assertInstanceOf(ControlConnectionClosedException.class, e.getCause());
            assertTrue(e.getCause().getMessage().contains("closed"), e.getCause().getMessage());
        }
    }

    @Test
    void malformedInputFailsPendingCommandsWithTheProtocolErrorAsCause() {
        CompletableFuture<ControlReply> a = send("GETINFO version");
        // The handler takes the decoder's exception (nothing reaches the pipeline's end) and closes.
        receive("2x0 OK\r\n");
        ExecutionException e = assertThrows(ExecutionException.class, a::get);
        assertInstanceOf(ControlProtocolException.class, e.getCause().getCause());
        assertFalse(channel.isActive());
    }

    @Test
    void aReplyNobodyAskedForClosesTheConnection() {
        receive("250 OK\r\n");
        assertFalse(channel.isActive());
    }

    @Test
    void lineBreaksCannotSmuggleASecondCommand() {
        assertThrows(IllegalArgumentException.class, () -> send("SETCONF a=1\r\nSIGNAL HALT"));
        assertThrows(IllegalArgumentException.class, () -> send("GETINFO a\nb"));
        assertEquals("", written());
    }

    private CompletableFuture<ControlReply> send(String line) {
        CompletableFuture<ControlReply> reply = new CompletableFuture<>();
        handler.send(line, reply);
        channel.runPendingTasks();
        return reply;
    }

    private void receive(String bytes) {
        channel.writeInbound(Unpooled.copiedBuffer(bytes, StandardCharsets.UTF_8));
    }

    private String written() {
        StringBuilder out = new StringBuilder();
        ByteBuf buf;
        while ((buf = channel.readOutbound()) != null) {
            out.append(buf.toString(StandardCharsets.UTF_8));
            buf.release();
        }
        return out.toString();
    }
}
