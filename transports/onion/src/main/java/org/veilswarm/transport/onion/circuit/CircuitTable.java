package org.veilswarm.transport.onion.circuit;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.veilswarm.crypto.Randoms;
import org.veilswarm.transport.onion.cell.Cell;
import org.veilswarm.transport.onion.cell.CellCommand;
import org.veilswarm.transport.onion.cell.Create2;
import org.veilswarm.transport.onion.cell.CreateFast;
import org.veilswarm.transport.onion.cell.Created2;
import org.veilswarm.transport.onion.cell.Destroy;
import org.veilswarm.transport.onion.cell.DestroyReason;
import org.veilswarm.transport.onion.cell.MalformedCell;
import org.veilswarm.transport.onion.cell.RelayCell;
import org.veilswarm.transport.onion.cell.UnsupportedCell;
import org.veilswarm.transport.onion.limit.TokenBucket;
import org.veilswarm.transport.onion.link.Link;

/**
 * The circuits of one link, as the last handler of its pipeline: hands each circuit cell to the
 * circuit it belongs to, answers CREATE2 on relays, allocates circuit IDs for circuits we open, and
 * closes every circuit when the link goes down. Bounded by
 * {@link CircuitSettings#maxCircuitsPerLink()}.
 */
public final class CircuitTable extends ChannelInboundHandlerAdapter {
    /** Handler name in the link's pipeline. */
    public static final String NAME = "onion-circuits";
    /** tor-spec §5.1.1: with link protocol 4 or higher, the link's initiator sets this bit, the responder clears it. */
    static final int INITIATOR_BIT = 0x80000000;
    private static final SecureRandom RANDOM = Randoms.secureRandom();
    /**
     * A peer that leaves this much of what we sent it unread is stuck or hostile: the link is closed. We never
     * stop reading a link because it is not writable (two relays doing that to each other would deadlock,
     * the seed's Go relay bug); SENDME windows bound what legitimate circuits queue, this bounds the rest.
     */
    static final long MAX_UNREAD_BYTES = 16L << 20;
    /**
     * Relayed cells after which the outgoing link is flushed even while this link's read batch goes on: one
     * TLS record's worth ({@code CellEncoder} packs 31 cells into one 16 KiB record). A read batch can be up
     * to 16 socket reads of 64 KiB, i.e. more than a whole stream window (500 cells); flushing only at its
     * end made every hop store and forward the window instead of passing it on while still reading, so
     * the hops of a circuit took turns instead of working at once. 31 = the encoder's record; with the stream
     * delivery of {@code OnionStreamChannel} warm one-direction rounds went from 51.8 / 50.6 to 58.7 / 59.9
     * MiB/s (docs/performance.md, "Onion services", session 8).
     */
    static final int RELAY_FLUSH_CELLS = 31;

    private final Link link;
    private final CircuitSettings settings;
    private final OnionRelay relay;
    private final Map<Integer, CircuitEnd> circuits = new ConcurrentHashMap<>();
    /** CREATE2 admission on a relay's link (handshake work per link and time); null on a client. */
    private final TokenBucket creates;
    private volatile boolean closed;
    /** Tables that cells read here were relayed to since the last read batch ended (this link's loop only). */
    private final java.util.List<CircuitTable> toFlush = new java.util.ArrayList<>(2);
    /** Cells relayed to {@code toFlush.get(i)} since its last flush. */
    private int[] queuedSinceFlush = new int[2];

    private CircuitTable(Link link, CircuitSettings settings, OnionRelay relay) {
        this.link = link;
        this.settings = settings;
        this.relay = relay;
        this.creates = relay == null ? null : new TokenBucket(settings.createRate(), settings.createBurst());
    }

    /**
     * Adds a table to an established link's pipeline (from {@code LinkListener.established}).
     *
     * @param relay the relay answering CREATE2 on this link, or null on a client (which refuses CREATE2)
     */
    public static CircuitTable install(Link link, CircuitSettings settings, OnionRelay relay) {
        CircuitTable table = new CircuitTable(link, settings, relay);
        link.channel().pipeline().addLast(NAME, table);
        if (!link.channel().isActive()) {
            table.closed = true;
        }
        return table;
    }

    /** The table installed on {@code link}, or null. */
    public static CircuitTable of(Link link) {
        return (CircuitTable) link.channel().pipeline().get(NAME);
    }

    public Link link() {
        return link;
    }

    /** Circuits currently open on this link. */
    public int size() {
        return circuits.size();
    }

    public boolean isClosed() {
        return closed || !link.channel().isActive();
    }

    /** True if a circuit ID chosen by the link's peer has the high bit §5.1.1 requires of it. */
    boolean isPeerAllocated(int circuitId) {
        boolean peerIsInitiator = link.role() == Link.Role.RESPONDER;
        return ((circuitId & INITIATOR_BIT) != 0) == peerIsInitiator;
    }

    /**
     * Registers {@code end} under a fresh random circuit ID with our side's high bit (§5.1.1): never
     * 0, never one in use.
     *
     * @throws CircuitClosedException if the link is closed or already carries the maximum of circuits
     */
    int allocate(CircuitEnd end) throws CircuitClosedException {
        if (isClosed()) {
            throw new CircuitClosedException(DestroyReason.CHANNEL_CLOSED.code(), "link " + link + " is closed");
        }
        if (circuits.size() >= settings.maxCircuitsPerLink()) {
            throw new CircuitClosedException(DestroyReason.RESOURCELIMIT.code(),
                    "link already carries " + settings.maxCircuitsPerLink() + " circuits");
        }
        while (true) {
            int id = RANDOM.nextInt();
            id = link.role() == Link.Role.INITIATOR ? id | INITIATOR_BIT : id & ~INITIATOR_BIT;
            if (id != 0 && circuits.putIfAbsent(id, end) == null) {
                return id;
            }
        }
    }

    /** Registers a circuit the peer opened; false if the ID is taken. */
    boolean register(int circuitId, CircuitEnd end) {
        return circuits.putIfAbsent(circuitId, end) == null;
    }

    /** Removes {@code end} if it is still registered under {@code circuitId}. */
    boolean remove(int circuitId, CircuitEnd end) {
        return circuits.remove(circuitId, end);
    }

    /** Puts {@code next} in place of {@code previous} if that is still registered under {@code circuitId}. */
    boolean replace(int circuitId, CircuitEnd previous, CircuitEnd next) {
        return circuits.replace(circuitId, previous, next);
    }

    /** Writes and flushes a cell; if the link is closed, Netty releases it. */
    void write(Cell cell) {
        link.channel().writeAndFlush(cell, link.channel().voidPromise());
        closeIfUnread();
    }

    /** Writes a cell without flushing (see {@link #flush()}); if the link is closed, Netty releases it. */
    void queue(Cell cell) {
        link.channel().write(cell, link.channel().voidPromise());
        closeIfUnread();
    }

    private void closeIfUnread() {
        if (link.channel().bytesBeforeWritable() > MAX_UNREAD_BYTES) {
            link.close();
        }
    }

    /**
     * Refuses a CREATE2 with DESTROY (§5.4), unless the peer is not reading what we send it: then the refusal
     * is dropped, so a flood of CREATE2 from a peer that never reads cannot pile refusals up in our outbound
     * buffer (its circuit build times out instead).
     */
    void refuseCreate(int circuitId, DestroyReason reason) {
        if (link.channel().isWritable()) {
            destroy(circuitId, reason);
        }
    }

    void flush() {
        link.channel().flush();
    }

    /**
     * Queues a cell that a cell read from this table's link made us relay on {@code target}'s link; the
     * target is flushed every RELAY_FLUSH_CELLS cells and once this link's read batch ends, so a
     * burst of relayed cells costs one flush (one TLS record and one write syscall) per record's worth of
     * cells instead of one per cell. Call on this link's loop.
     */
    void relayTo(CircuitTable target, Cell cell) {
        target.queue(cell);
        int i = toFlush.indexOf(target); // one or two entries: a list is cheapest
        if (i < 0) {
            i = toFlush.size();
            toFlush.add(target);
            if (i == queuedSinceFlush.length) {
                queuedSinceFlush = java.util.Arrays.copyOf(queuedSinceFlush, 2 * i);
            }
            queuedSinceFlush[i] = 0;
        }
        if (++queuedSinceFlush[i] >= RELAY_FLUSH_CELLS) {
            queuedSinceFlush[i] = 0;
            target.flush();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (!toFlush.isEmpty()) {
            for (int i = 0; i < toFlush.size(); i++) {
                if (queuedSinceFlush[i] > 0) {
                    toFlush.get(i).flush();
                }
            }
            toFlush.clear();
        }
        ctx.fireChannelReadComplete();
    }

    void destroy(int circuitId, DestroyReason reason) {
        write(new Destroy(circuitId, reason));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof Cell cell)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        int id = cell.circuitId();
        if (cell instanceof RelayCell relayCell) {
            CircuitEnd end = circuits.get(id);
            if (end == null) {
                relayCell.release(); // a cell for a circuit we no longer know: drop it (tor does the same)
            } else {
                end.relay(relayCell);
            }
        } else if (cell instanceof Create2 create) {
            onCreate2(create);
        } else if (cell instanceof Created2 created) {
            CircuitEnd end = circuits.get(id);
            if (end != null) {
                end.created2(created);
            }
        } else if (cell instanceof Destroy destroy) {
            CircuitEnd end = circuits.remove(id);
            if (end != null) {
                end.destroyed(destroy.reasonCode());
            }
        } else if (cell instanceof MalformedCell || cell instanceof CreateFast || isTapCreate(cell)) {
            // Circuit-fatal: a bad CREATE2/CREATED2 body, or a handshake we do not run (TAP, CREATE_FAST).
            if (id != 0) {
                CircuitEnd end = circuits.remove(id);
                if (end != null) {
                    end.destroyed(DestroyReason.PROTOCOL.code());
                }
                destroy(id, DestroyReason.PROTOCOL);
            }
        } else {
            ReferenceCountUtil.release(msg); // padding and link cells after the handshake: nothing to do
        }
    }

    private static boolean isTapCreate(Cell cell) {
        return cell instanceof UnsupportedCell && cell.command() == CellCommand.CREATE;
    }

    private void onCreate2(Create2 create) {
        int id = create.circuitId();
        if (relay == null) {
            refuseCreate(id, DestroyReason.PROTOCOL); // a client accepts no circuits
        } else if (!isPeerAllocated(id)) {
            refuseCreate(id, DestroyReason.PROTOCOL); // §5.1.1: the peer used our half of the ID space
        } else if (circuits.containsKey(id)) {
            refuseCreate(id, DestroyReason.PROTOCOL); // CREATE2 on a circuit ID in use
        } else if (circuits.size() >= settings.maxCircuitsPerLink() || !creates.tryTake(1)) {
            // §5.4 RESOURCELIMIT: this link has all the circuits, or asks for them faster, than it may.
            relay.resourceLimited();
            refuseCreate(id, DestroyReason.RESOURCELIMIT);
        } else {
            relay.answerCreate2(this, create);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closed = true;
        for (Integer id : circuits.keySet()) {
            CircuitEnd end = circuits.remove(id);
            if (end != null) {
                end.linkClosed();
            }
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Only link-fatal errors reach here (the decoder reports circuit-fatal ones in-band).
        ctx.close();
    }

    @Override
    public String toString() {
        return "CircuitTable[" + link + ", " + circuits.size() + " circuits]";
    }
}
