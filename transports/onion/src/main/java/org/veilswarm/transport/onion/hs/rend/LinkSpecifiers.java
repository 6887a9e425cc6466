package org.veilswarm.transport.onion.hs.rend;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.veilswarm.transport.onion.circuit.RelayTarget;
import org.veilswarm.transport.onion.hs.IntroPoint;

/**
 * A relay as a link specifier block (tor-spec §5.1.2 via rend-spec-v3 §0.4): NSPEC, then IPv4 (type
 * 0) or IPv6 (1) address and the Ed25519 identity (3); what INTRODUCE2 names the rendezvous point
 * with and a descriptor names an introduction point with.
 */
public final class LinkSpecifiers {
    static final int IPV4 = 0;
    static final int IPV6 = 1;
    static final int ED25519_ID = 3;

    private LinkSpecifiers() {
    }

    public static byte[] encode(RelayTarget relay) {
        List<IntroPoint.LinkSpec> specs = new ArrayList<>(2);
        InetAddress ip = relay.address().getAddress();
        byte[] address = ip.getAddress();
        byte[] value = Arrays.copyOf(address, address.length + 2);
        value[address.length] = (byte) (relay.address().getPort() >>> 8);
        value[address.length + 1] = (byte) relay.address().getPort();
        specs.add(new IntroPoint.LinkSpec(ip instanceof Inet4Address ? IPV4 : IPV6, value));
        specs.add(new IntroPoint.LinkSpec(ED25519_ID, relay.identity()));
        return IntroPoint.encodeLinkSpecifiers(specs);
    }

    /**
     * The relay a block and an ntor onion key name: it needs an Ed25519 identity and an IP address (the
     * first of either kind); other specifiers are ignored.
     *
     * @throws RendCellException if the block is malformed or lacks one of them
     */
    public static RelayTarget decode(byte[] block, byte[] ntorOnionKey) throws RendCellException {
        List<IntroPoint.LinkSpec> specs;
        try {
            specs = IntroPoint.parseLinkSpecifiers(block);
        } catch (IllegalArgumentException e) {
            throw new RendCellException("link specifiers: " + e.getMessage());
        }
        byte[] identity = null;
        InetSocketAddress address = null;
        for (IntroPoint.LinkSpec spec : specs) {
            byte[] value = spec.value();
            if (spec.type() == ED25519_ID && identity == null) {
                if (value.length != 32) {
                    throw new RendCellException("link specifiers: Ed25519 identity of " + value.length + " bytes");
                }
                identity = value;
            } else if ((spec.type() == IPV4 || spec.type() == IPV6) && address == null) {
                int ipLength = spec.type() == IPV4 ? 4 : 16;
                if (value.length != ipLength + 2) {
                    throw new RendCellException("link specifiers: address of " + value.length + " bytes for type " + spec.type());
                }
                int port = (value[ipLength] & 0xFF) << 8 | value[ipLength + 1] & 0xFF;
                try {
                    InetAddress ip = InetAddress.getByAddress(Arrays.copyOf(value, ipLength));
                    if (spec.type() == IPV6 && !(ip instanceof Inet6Address)) {
                        ip = Inet6Address.getByAddress(null, Arrays.copyOf(value, ipLength), null);
                    }
                    address = new InetSocketAddress(ip, port);
                } catch (UnknownHostException e) {
                    throw new RendCellException("link specifiers: bad address: " + e.getMessage());
                }
            }
        }
        if (identity == null || address == null) {
            throw new RendCellException("link specifiers: need an Ed25519 identity and an IP address");
        }
        if (ntorOnionKey.length != 32) {
            throw new RendCellException("ntor onion key of " + ntorOnionKey.length + " bytes");
        }
        return new RelayTarget(identity, ntorOnionKey, address);
    }
}
