package org.veilswarm.transport.onion.crypto;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.veilswarm.transport.onion.cell.RelayCell;

/**
 * The client's (origin's) tor1 relay crypto for one circuit: one forward and one backward layer per
 * hop, added as the circuit is extended. Hops are numbered from 0, the first hop.
 * <ul>
 * <li>{@link #encrypt(ByteBuf, int)}: "For I=N...1, where N is the destination node: Encrypt with
 *     Kf_I" (tor-spec §5.5.2.1), after setting the digest for the destination hop.</li>
 * <li>{@link #decrypt(ByteBuf)}: "For I=1...N: Decrypt with Kb_I. If the payload is recognized ...
 *     The sending node is I" (tor-spec §5.5.3).</li>
 * </ul>
 * Payloads are transformed in place. Not thread-safe: a circuit lives on one event loop.
 *
 * @see <a href="https://spec.torproject.org/tor-spec/routing-relay-cells.html">tor-spec §5.5 Routing relay cells</a>
 */
public final class OriginCircuitCrypto {
    private final int circuitId;
    private final List<Tor1Direction> forward = new ArrayList<>(3);
    private final List<Tor1Direction> backward = new ArrayList<>(3);

    /** @param circuitId for error reports only */
    public OriginCircuitCrypto(int circuitId) {
        this.circuitId = circuitId;
    }

    /** Adds the next hop's layer, with the keys from its CREATED2/EXTENDED2 handshake. */
    public void addHop(CircuitKeys keys) {
        Objects.requireNonNull(keys, "keys");
        forward.add(new Tor1Direction(keys.forwardKey(), keys.forwardDigestSeed()));
        backward.add(new Tor1Direction(keys.backwardKey(), keys.backwardDigestSeed()));
    }

    /**
     * Adds the virtual hop of a joined rendezvous circuit (rend-spec-v3 §3.3.1): the other end of the
     * onion-service connection, reached end to end through the rendezvous point, with AES-256-CTR keys
     * and SHA3-256 running digests from the hs-ntor handshake. "Forward" here is what this end sends.
     */
    public void addEndToEndHop(byte[] sendKey, byte[] sendDigestSeed, byte[] receiveKey, byte[] receiveDigestSeed) {
        forward.add(new Tor1Direction(org.veilswarm.crypto.AesCtr.aes256(sendKey),
                org.veilswarm.crypto.RunningDigest.sha3_256().update(sendDigestSeed)));
        backward.add(new Tor1Direction(org.veilswarm.crypto.AesCtr.aes256(receiveKey),
                org.veilswarm.crypto.RunningDigest.sha3_256().update(receiveDigestSeed)));
    }

    /** Number of hops with keys. */
    public int hops() {
        return forward.size();
    }

    /**
     * Seals a plaintext relay payload (Recognized zero, as {@code RelayPayloadCodec} writes it) for hop
     * {@code hop} and onion-encrypts it for the path up to that hop.
     */
    public void encrypt(ByteBuf payload, int hop) {
        checkHop(hop);
        PayloadView view = PayloadView.of(payload);
        forward.get(hop).seal(view.array, view.offset);
        for (int i = hop; i >= 0; i--) {
            forward.get(i).crypt(view.array, view.offset);
        }
        view.writeBack();
    }

    /** {@link #encrypt(ByteBuf, int)} on a relay cell's payload. */
    public void encrypt(RelayCell cell, int hop) {
        encrypt(cell.content(), hop);
    }

    /**
     * Peels layers off an incoming payload until a hop recognizes it; the payload is then plaintext.
     *
     * @return the hop that sent the cell
     * @throws UnrecognizedCellException if no hop recognizes it (the circuit must be closed)
     */
    public int decrypt(ByteBuf payload) throws UnrecognizedCellException {
        PayloadView view = PayloadView.of(payload);
        try {
            for (int hop = 0; hop < backward.size(); hop++) {
                Tor1Direction layer = backward.get(hop);
                layer.crypt(view.array, view.offset);
                if (layer.open(view.array, view.offset)) {
                    return hop;
                }
            }
        } finally {
            view.writeBack();
        }
        throw new UnrecognizedCellException(circuitId, "no hop of " + backward.size() + " recognizes the cell");
    }

    /** {@link #decrypt(ByteBuf)} on a relay cell's payload. */
    public int decrypt(RelayCell cell) throws UnrecognizedCellException {
        return decrypt(cell.content());
    }

    /** The running digest (20 bytes) after the last cell sent to {@code hop}, or null: what its SENDME v1 must echo. */
    public byte[] lastSentDigest(int hop) {
        checkHop(hop);
        return forward.get(hop).lastDigest();
    }

    /** The running digest (20 bytes) after the last cell received from {@code hop}, or null. */
    public byte[] lastReceivedDigest(int hop) {
        checkHop(hop);
        return backward.get(hop).lastDigest();
    }

    private void checkHop(int hop) {
        if (hop < 0 || hop >= forward.size()) {
            throw new IndexOutOfBoundsException("hop " + hop + " of a circuit with " + forward.size() + " hops");
        }
    }
}
