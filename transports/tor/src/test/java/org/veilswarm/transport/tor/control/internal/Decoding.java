package org.veilswarm.transport.tor.control.internal;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import org.veilswarm.transport.tor.control.ControlLimits;
import org.veilswarm.transport.tor.control.ControlReply;

/** Feeds bytes to a {@link ControlReplyDecoder} in chunks of a given size and collects what comes out. */
final class Decoding {
    private Decoding() {
    }

    /** All replies, the stream closed at the end (so a missing terminator throws). */
    static List<ControlReply> decode(byte[] input, int chunk, ControlLimits limits) {
        EmbeddedChannel channel = new EmbeddedChannel(new ControlReplyDecoder(limits));
        List<ControlReply> replies = new ArrayList<>();
        try {
            for (int i = 0; i < input.length; i += chunk) {
                channel.writeInbound(Unpooled.copiedBuffer(input, i, Math.min(chunk, input.length - i)));
                drain(channel, replies);
            }
            channel.finish();
            drain(channel, replies);
            return replies;
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    static List<ControlReply> decode(String input, int chunk) {
        return decode(input.getBytes(java.nio.charset.StandardCharsets.UTF_8), chunk, ControlLimits.DEFAULT);
    }

    private static void drain(EmbeddedChannel channel, List<ControlReply> replies) {
        ControlReply reply;
        while ((reply = channel.readInbound()) != null) {
            replies.add(reply);
        }
    }
}
