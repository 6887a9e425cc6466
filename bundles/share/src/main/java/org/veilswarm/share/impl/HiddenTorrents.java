package org.veilswarm.share.impl;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelInboundHandlerAdapter;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

import org.veilswarm.api.node.OnionAddress;
import org.veilswarm.api.transport.CircuitCounts;
import org.veilswarm.api.transport.ClientAuthSecretKey;
import org.veilswarm.api.transport.ConnectOptions;
import org.veilswarm.api.transport.ListenOptions;
import org.veilswarm.api.transport.Listener;
import org.veilswarm.api.transport.RelayCounters;
import org.veilswarm.api.transport.ServiceKey;
import org.veilswarm.api.transport.Transport;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.api.transport.TransportInfo;
import org.veilswarm.swarm.engine.SwarmEngine;

/**
 * Torrents a swarm engine's node-wide listeners must not serve: those of shares for authorized clients only, which
 * only their own onion services (with client authorization) may carry. A holder of the link without the key learns
 * the info-hash from the tracker's snapshot and could otherwise ask the node's public service (or its IP) for it.
 * {@link #gate} wraps the transport those listeners are opened on: each accepted stream first shows its BEP 3
 * handshake (pstrlen, "BitTorrent protocol", 8 reserved bytes, the 20-byte info-hash: the v1 hash or the truncated
 * v2 one, BEP 52), and a stream naming a hidden torrent is closed before the engine sees a byte.
 */
public final class HiddenTorrents {
    /** One set per engine: the share component hides, the engine component's listeners check. */
    private static final Map<SwarmEngine, HiddenTorrents> BY_ENGINE = new WeakHashMap<>();
    private static final int PSTR_LENGTH = 19;
    private static final int HASH_OFFSET = 1 + PSTR_LENGTH + 8;
    private static final int HASH_LENGTH = 20;

    private final Set<ByteBuffer> hidden = ConcurrentHashMap.newKeySet();

    /** The hidden torrents of {@code engine}. */
    public static synchronized HiddenTorrents of(SwarmEngine engine) {
        return BY_ENGINE.computeIfAbsent(engine, e -> new HiddenTorrents());
    }

    /** Hides the torrent of these 20-byte handshake hashes (truncated v2, and v1 for a hybrid). */
    void hide(List<byte[]> handshakeHashes) {
        handshakeHashes.forEach(h -> hidden.add(ByteBuffer.wrap(h.clone())));
    }

    void unhide(List<byte[]> handshakeHashes) {
        handshakeHashes.forEach(h -> hidden.remove(ByteBuffer.wrap(h)));
    }

    boolean isHidden(byte[] handshakeHash) {
        return hidden.contains(ByteBuffer.wrap(handshakeHash));
    }

    /** {@code transport} whose listeners close streams that ask for a hidden torrent. */
    public Transport gate(Transport transport) {
        return new Gated(transport);
    }

    private ChannelInitializer<Channel> gate(ChannelInitializer<Channel> inner) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel channel) {
                channel.pipeline().addLast(inner);
                channel.pipeline().addFirst(new HandshakeGate());
            }
        };
    }

    /** Reads the first 48 bytes of a stream; passes everything on unchanged unless they name a hidden torrent. */
    private final class HandshakeGate extends ChannelInboundHandlerAdapter {
        private ByteBuf seen;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof ByteBuf bytes)) {
                ctx.fireChannelRead(msg);
                return;
            }
            seen = seen == null ? bytes : Unpooled.wrappedBuffer(seen, bytes);
            if (seen.readableBytes() < HASH_OFFSET + HASH_LENGTH) {
                return;
            }
            ByteBuf all = seen;
            seen = null;
            byte[] hash = new byte[HASH_LENGTH];
            all.getBytes(all.readerIndex() + HASH_OFFSET, hash);
            if (all.getUnsignedByte(all.readerIndex()) == PSTR_LENGTH && isHidden(hash)) {
                all.release();
                ctx.close();
                return;
            }
            ctx.fireChannelRead(all); // the engine sees the stream from its first byte
            ctx.pipeline().remove(this);
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            if (seen != null) {
                seen.release();
                seen = null;
            }
        }
    }

    /** Delegates everything; listens with the gate in front of the listener's streams. */
    private final class Gated implements Transport {
        private final Transport delegate;

        Gated(Transport delegate) {
            this.delegate = delegate;
        }

        @Override
        public TransportInfo info() {
            return delegate.info();
        }

        @Override
        public boolean canReach(TransportAddress address) {
            return delegate.canReach(address);
        }

        @Override
        public CompletionStage<Listener> listen(ServiceKey key, int port, ChannelInitializer<Channel> childInitializer) {
            return delegate.listen(key, port, gate(childInitializer));
        }

        @Override
        public CompletionStage<Listener> listen(ServiceKey key, int port, ChannelInitializer<Channel> childInitializer,
                ListenOptions options) {
            return delegate.listen(key, port, gate(childInitializer), options);
        }

        @Override
        public CompletionStage<Channel> connect(TransportAddress to, ChannelInitializer<Channel> initializer) {
            return delegate.connect(to, initializer);
        }

        @Override
        public CompletionStage<Channel> connect(TransportAddress to, ChannelInitializer<Channel> initializer,
                ConnectOptions options) {
            return delegate.connect(to, initializer, options);
        }

        @Override
        public boolean supportsClientAuthorization() {
            return delegate.supportsClientAuthorization();
        }

        @Override
        public boolean addClientAuthorization(OnionAddress service, ClientAuthSecretKey key) {
            return delegate.addClientAuthorization(service, key);
        }

        @Override
        public void removeClientAuthorization(OnionAddress service) {
            delegate.removeClientAuthorization(service);
        }

        @Override
        public RelayCounters relayCounters() {
            return delegate.relayCounters();
        }

        @Override
        public java.util.Optional<CircuitCounts> circuitCounts() {
            return delegate.circuitCounts();
        }
    }
}
