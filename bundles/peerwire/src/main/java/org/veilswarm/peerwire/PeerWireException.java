package org.veilswarm.peerwire;

import io.netty.handler.codec.DecoderException;

/**
 * A peer sent something the protocol does not allow, or more than the {@link PeerWireLimits} accept.
 * The connection to that peer cannot continue; others are unaffected.
 *
 * <p>It is a Netty {@link DecoderException} so that {@code ByteToMessageDecoder} passes it through
 * unwrapped to {@code exceptionCaught}.
 */
public class PeerWireException extends DecoderException {

    private static final long serialVersionUID = 1L;

    public PeerWireException(String reason) {
        super(reason);
    }

    public PeerWireException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
