package org.veilswarm.transport.onion.link;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import java.util.HexFormat;
import java.util.Optional;
import org.veilswarm.transport.onion.cell.Netinfo;

/**
 * An established link (tor-spec §4 done): TLS is up, the link protocol is negotiated, the
 * {@link #channel()}'s pipeline holds the TLS handler and the cell codecs for 4-byte circuit IDs, and
 * handlers added behind them receive {@link org.veilswarm.transport.onion.cell.Cell}s and may write them.
 *
 * <p>{@link #peerIdentity()} is the Ed25519 identity the peer proved: always present on the initiator
 * side (equal to the identity it asked for), present on the responder side only if the initiator
 * authenticated (tor-spec §4.4); an unauthenticated initiator is a client and has no identity.
 */
public final class Link {
    /** Which end of the TCP connection this side is. */
    public enum Role {
        INITIATOR, RESPONDER
    }

    private final Channel channel;
    private final Role role;
    private final int linkProtocol;
    private final byte[] peerIdentity;
    private final Netinfo peerNetinfo;

    Link(Channel channel, Role role, int linkProtocol, byte[] peerIdentity, Netinfo peerNetinfo) {
        this.channel = channel;
        this.role = role;
        this.linkProtocol = linkProtocol;
        this.peerIdentity = peerIdentity == null ? null : peerIdentity.clone();
        this.peerNetinfo = peerNetinfo;
    }

    public Channel channel() {
        return channel;
    }

    public Role role() {
        return role;
    }

    /** The negotiated link protocol version (4 or 5). */
    public int linkProtocol() {
        return linkProtocol;
    }

    /** The peer's proved Ed25519 identity key; empty for an unauthenticated initiator. */
    public Optional<byte[]> peerIdentity() {
        return Optional.ofNullable(peerIdentity).map(byte[]::clone);
    }

    /** The NETINFO cell the peer sent (its view of our address, its own addresses, its clock). */
    public Netinfo peerNetinfo() {
        return peerNetinfo;
    }

    public ChannelFuture close() {
        return channel.close();
    }

    @Override
    public String toString() {
        return "Link[" + role + ", v" + linkProtocol + ", peer="
                + (peerIdentity == null ? "unauthenticated" : HexFormat.of().formatHex(peerIdentity)) + ", "
                + channel.remoteAddress() + "]";
    }
}
