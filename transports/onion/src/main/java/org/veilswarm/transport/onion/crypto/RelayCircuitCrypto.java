package org.veilswarm.transport.onion.crypto;

import io.netty.buffer.ByteBuf;
import java.util.Objects;
import org.veilswarm.transport.onion.cell.RelayCell;

/**
 * A relay's tor1 crypto for one circuit it is a hop of: one forward layer (Kf, Df) and one backward
 * layer (Kb, Db).
 * <ul>
 * <li>{@link #decryptForward(ByteBuf)}: "Use Kf as key; decrypt", then decide whether the cell is
 *     for this hop (tor-spec §5.5.2.2, §6.1); if not, it is passed on unchanged otherwise.</li>
 * <li>{@link #encryptBackward(ByteBuf)}: "Use Kb as key; encrypt" a cell coming back from further
 *     along the circuit (tor-spec §5.5.3.1).</li>
 * <li>{@link #originateBackward(ByteBuf)}: a cell this hop sends to the client: set its digest with
 *     Db, then encrypt with Kb.</li>
 * </ul>
 * Payloads are transformed in place, so relaying copies nothing. Not thread-safe.
 *
 * @see <a href="https://spec.torproject.org/tor-spec/routing-relay-cells.html">tor-spec §5.5 Routing relay cells</a>
 */
public final class RelayCircuitCrypto {
    private final Tor1Direction forward;
    private final Tor1Direction backward;

    public RelayCircuitCrypto(CircuitKeys keys) {
        Objects.requireNonNull(keys, "keys");
        this.forward = new Tor1Direction(keys.forwardKey(), keys.forwardDigestSeed());
        this.backward = new Tor1Direction(keys.backwardKey(), keys.backwardDigestSeed());
    }

    /**
     * Removes this hop's layer from a cell travelling away from the client.
     *
     * @return true if the cell is for this hop (it is now plaintext); false if it is to be relayed to
     *     the next hop as it now is (or, at the last hop, if the circuit must be destroyed)
     */
    public boolean decryptForward(ByteBuf payload) {
        PayloadView view = PayloadView.of(payload);
        forward.crypt(view.array, view.offset);
        boolean recognized = forward.open(view.array, view.offset);
        view.writeBack();
        return recognized;
    }

    /** {@link #decryptForward(ByteBuf)} on a relay cell's payload. */
    public boolean decryptForward(RelayCell cell) {
        return decryptForward(cell.content());
    }

    /** Adds this hop's layer to a cell relayed back towards the client. */
    public void encryptBackward(ByteBuf payload) {
        PayloadView view = PayloadView.of(payload);
        backward.crypt(view.array, view.offset);
        view.writeBack();
    }

    /** {@link #encryptBackward(ByteBuf)} on a relay cell's payload. */
    public void encryptBackward(RelayCell cell) {
        encryptBackward(cell.content());
    }

    /** Seals a plaintext payload this hop sends to the client and adds this hop's layer. */
    public void originateBackward(ByteBuf payload) {
        PayloadView view = PayloadView.of(payload);
        backward.seal(view.array, view.offset);
        backward.crypt(view.array, view.offset);
        view.writeBack();
    }

    /** {@link #originateBackward(ByteBuf)} on a relay cell's payload. */
    public void originateBackward(RelayCell cell) {
        originateBackward(cell.content());
    }

    /** The running digest (20 bytes) after the last cell recognized here, or null: for SENDME v1. */
    public byte[] lastReceivedDigest() {
        return forward.lastDigest();
    }

    /** The running digest (20 bytes) after the last cell originated here, or null. */
    public byte[] lastSentDigest() {
        return backward.lastDigest();
    }
}
