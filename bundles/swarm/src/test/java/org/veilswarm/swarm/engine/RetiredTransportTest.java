package org.veilswarm.swarm.engine;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.ref.WeakReference;
import java.util.concurrent.CompletionStage;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.veilswarm.api.transport.Listener;
import org.veilswarm.api.transport.ServiceKey;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.transport.direct.impl.DirectTransportEngine;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;

/**
 * A transport whose bundle is updated or uninstalled leaves the engine: once its listener is closed, nothing of
 * the engine may keep it, or the retired revision's whole object graph (and its class loader) stays alive as long
 * as the node runs. Measured before the fix: every onion transport update of a running relay kept one more
 * revision (+1 bundle class loader, +1.7 MB metaspace, +2-3 MB RSS; docs/performance.md, "Node memory",
 * session 15). A real direct transport on 127.0.0.1 listens; the retired revision's state is a marker object
 * only its listener holds.
 */
class RetiredTransportTest {
    private final DirectTransportEngine direct = Loopback.transport();
    private final SwarmEngine engine = new SwarmEngine(EngineConfig.defaults());

    @AfterEach
    void close() {
        engine.close();
        direct.close();
    }

    /** A transport revision: its listeners hold the revision's state (here a marker). */
    private static final class Revision extends ForwardingTransport {
        final Object state = new byte[1 << 20];

        Revision(DirectTransportEngine inner) {
            super(inner);
        }

        @Override
        public CompletionStage<Listener> listen(ServiceKey key, int port, ChannelInitializer<Channel> init) {
            return inner.listen(key, port, init).thenApply(l -> new RevisionListener(l, state));
        }
    }

    private record RevisionListener(Listener inner, Object state) implements Listener {
        @Override
        public TransportAddress address() {
            return inner.address();
        }

        @Override
        public boolean isOpen() {
            return inner.isOpen();
        }

        @Override
        public CompletionStage<Void> closeAsync() {
            return inner.closeAsync();
        }
    }

    @Test
    void aClosedListenerAndARemovedTransportAreLetGoWhenTheNextListenerOpens() throws Exception {
        WeakReference<Object> retired = listenThenRetire();
        // the updated transport's new revision listens: the engine lets the old one go
        engine.listen(new Revision(direct), null, 0).toCompletableFuture().join();
        assertTrue(collected(retired), "the engine still holds the retired transport revision");
    }

    @Test
    void aClosedListenerIsLetGoWhenAskedAlsoWithNoNewListener() throws Exception {
        WeakReference<Object> retired = listenThenRetire();
        engine.forgetClosedListeners(); // what the node's engine component does once a listener's close completed
        assertTrue(collected(retired), "the engine still holds the retired transport revision");
    }

    /** Listens on a transport revision, closes the listener and removes the transport, as an unbind does. */
    private WeakReference<Object> listenThenRetire() {
        Revision old = new Revision(direct);
        Listener listener = engine.listen(old, null, 0).toCompletableFuture().join();
        listener.closeAsync().toCompletableFuture().join();
        engine.removeTransport(old);
        return new WeakReference<>(old.state);
    }

    private static boolean collected(WeakReference<Object> ref) throws InterruptedException {
        for (int i = 0; i < 100 && ref.get() != null; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return ref.get() == null;
    }
}
