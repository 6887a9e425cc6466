package org.veilswarm.transport.onion.internal;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import org.junit.jupiter.api.Test;

/** Which cache answers BEGIN_DIR directory requests as schemes and an explicit service come and go. */
class DirectoryHandlersTest {
    private static ChannelInitializer<Channel> handler() {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
            }
        };
    }

    @Test
    void theConfiguredSchemeWinsThenTheFirstBoundAndAnExplicitServiceOverridesBoth() {
        DirectoryHandlers handlers = new DirectoryHandlers("merkle");
        assertNull(handlers.current());
        Object consensusScheme = new Object();
        Object merkleScheme = new Object();
        ChannelInitializer<Channel> consensus = handler();
        ChannelInitializer<Channel> merkle = handler();
        handlers.addScheme(consensusScheme, "consensus", consensus);
        assertSame(consensus, handlers.current(), "the configured scheme is absent: any serving scheme");
        handlers.addScheme(merkleScheme, "merkle", merkle);
        assertSame(merkle, handlers.current());
        assertTrue(handlers.describe().contains("merkle"), handlers.describe());
        ChannelInitializer<Channel> explicit = handler();
        handlers.explicit(explicit);
        assertSame(explicit, handlers.current());
        handlers.explicit(null);
        handlers.removeScheme(merkleScheme);
        assertSame(consensus, handlers.current());
        handlers.removeScheme(consensusScheme);
        assertNull(handlers.current());
        assertTrue(handlers.describe().contains("not served"), handlers.describe());
    }
}
