package org.veilswarm.transport.onion.circuit;

import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import org.veilswarm.transport.onion.link.Link;

/**
 * One link per peer identity (tor's "canonical connection", tor-spec §5.3.1 asks relays to reuse an
 * existing link to the requested relay): links to relays, opened by us or by them once they
 * authenticated, keyed by the Ed25519 identity the peer proved. A closed link leaves the registry.
 */
final class LinkRegistry {
    private final Map<ByteBuffer, Future<Link>> links = new ConcurrentHashMap<>();
    private final BiFunction<InetSocketAddress, byte[], Future<Link>> connector;

    /** @param connector opens a link to an address, requiring the given identity */
    LinkRegistry(BiFunction<InetSocketAddress, byte[], Future<Link>> connector) {
        this.connector = connector;
    }

    /** An open (or opening) link to {@code identity}, connecting to {@code address} if there is none. */
    Future<Link> link(byte[] identity, InetSocketAddress address) {
        ByteBuffer key = ByteBuffer.wrap(identity.clone());
        Future<Link>[] opened = new Future[1];
        Future<Link> result = links.compute(key, (k, existing) -> {
            if (existing != null && (!existing.isDone() || existing.isSuccess() && existing.getNow().channel().isActive())) {
                return existing;
            }
            opened[0] = connector.apply(address, identity);
            return opened[0];
        });
        if (opened[0] != null) {
            Future<Link> mine = opened[0];
            mine.addListener(done -> {
                if (!done.isSuccess()) {
                    links.remove(key, mine);
                } else {
                    mine.getNow().channel().closeFuture().addListener(closed -> links.remove(key, mine));
                }
            });
        }
        return result;
    }

    /** Remembers an established link whose peer proved its identity, unless one is already known. */
    void register(Link link, Future<Link> asFuture) {
        link.peerIdentity().ifPresent(identity -> {
            ByteBuffer key = ByteBuffer.wrap(identity);
            if (links.putIfAbsent(key, asFuture) == null) {
                link.channel().closeFuture().addListener(closed -> links.remove(key, asFuture));
            }
        });
    }

    /** Established links, for shutdown and tests. */
    List<Link> established() {
        Collection<Future<Link>> all = links.values();
        return all.stream().filter(f -> f.isDone() && f.isSuccess()).map(Future::getNow).toList();
    }
}
