package org.veilswarm.transport.onion.link;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.cert.Certificate;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.veilswarm.crypto.ConstantTime;
import org.veilswarm.crypto.Digests;
import org.veilswarm.crypto.Randoms;
import org.veilswarm.transport.onion.cell.AuthChallenge;
import org.veilswarm.transport.onion.cell.Authenticate;
import org.veilswarm.transport.onion.cell.Cell;
import org.veilswarm.transport.onion.cell.CellDecoder;
import org.veilswarm.transport.onion.cell.CellEncoder;
import org.veilswarm.transport.onion.cell.CellFormatException;
import org.veilswarm.transport.onion.cell.Certs;
import org.veilswarm.transport.onion.cell.Netinfo;
import org.veilswarm.transport.onion.cell.Padding;
import org.veilswarm.transport.onion.cell.PaddingNegotiate;
import org.veilswarm.transport.onion.cell.VPadding;
import org.veilswarm.transport.onion.cell.Versions;
import org.veilswarm.transport.onion.cert.Ed25519Cert;
import org.veilswarm.transport.onion.link.Link.Role;
import org.veilswarm.transport.onion.link.LinkHandshakeException.Reason;

/**
 * The link handshake state machine (tor-spec §4), one per channel, behind TLS and the cell codecs.
 *
 * <pre>
 * initiator: TLS → send VERSIONS → VERSIONS → CERTS (verify chain, TLS digest, identity) → AUTH_CHALLENGE
 *            → NETINFO → [send CERTS + AUTHENTICATE] → send NETINFO → established
 * responder: TLS → VERSIONS → send VERSIONS, CERTS, AUTH_CHALLENGE, NETINFO
 *            → [CERTS → AUTHENTICATE (verify)] → NETINFO → established
 * </pre>
 *
 * Each step has its own timeout; every failure completes the promise with a
 * {@link LinkHandshakeException} naming the reason and closes the channel. Once established it removes
 * itself and the transcript, leaving TLS and the codecs for the circuit layer.
 */
final class LinkHandshakeHandler extends ChannelInboundHandlerAdapter {
    static final String NAME = "onion-link-handshake";

    private enum Step {
        TLS, VERSIONS, CERTS, AUTH_CHALLENGE, NETINFO, CERTS_OR_NETINFO, AUTHENTICATE, DONE
    }

    private final Role role;
    private final RelayLinkKeys keys;
    private final byte[] expectedIdentity;
    private final LinkSettings settings;
    private final LinkListener listener;
    private final Promise<Link> result;
    private final HandshakeTranscript transcript;
    private ChannelHandlerContext ctx;
    private Step step = Step.TLS;
    private boolean failed;
    private ScheduledFuture<?> timer;
    private int linkProtocol;
    private byte[] responderTlsDigest;
    private byte[] peerIdentity;
    private byte[] peerLinkAuthKey;
    private AuthChallenge challenge;

    LinkHandshakeHandler(Role role, RelayLinkKeys keys, byte[] expectedIdentity, LinkSettings settings,
            LinkListener listener, Promise<Link> result, HandshakeTranscript transcript) {
        this.role = role;
        this.keys = keys;
        this.expectedIdentity = expectedIdentity;
        this.settings = settings;
        this.listener = listener;
        this.result = result;
        this.transcript = transcript;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        if (ctx.channel().isActive()) {
            startTimer();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        startTimer();
        ctx.fireChannelActive();
    }

    private void startTimer() {
        if (timer == null && step == Step.TLS) {
            advance(Step.TLS);
        }
    }

    private void advance(Step next) {
        step = next;
        if (timer != null) {
            timer.cancel(false);
        }
        if (next != Step.DONE) {
            long millis = settings.stepTimeout().toMillis();
            timer = ctx.executor().schedule(() -> fail(Reason.TIMEOUT, "no " + next + " step progress within "
                    + millis + " ms"), millis, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof SslHandshakeCompletionEvent completion && step == Step.TLS) {
            if (!completion.isSuccess()) {
                fail(Reason.TLS, "TLS handshake failed: " + completion.cause().getMessage(), completion.cause());
                return;
            }
            try {
                if (role == Role.INITIATOR) {
                    Certificate[] chain = ctx.pipeline().get(SslHandler.class).engine().getSession().getPeerCertificates();
                    responderTlsDigest = Digests.sha256(chain[0].getEncoded());
                    ctx.writeAndFlush(new Versions(settings.versions()));
                } else {
                    responderTlsDigest = RelayLinkKeys.digest(keys.tlsCertificate());
                }
            } catch (SSLPeerUnverifiedException | java.security.cert.CertificateEncodingException e) {
                fail(Reason.TLS, "the responder presented no usable TLS certificate", e);
                return;
            }
            advance(Step.VERSIONS);
            return;
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (failed) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (step == Step.DONE) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            if (!(msg instanceof Cell cell)) {
                fail(Reason.UNEXPECTED_CELL, "not a cell: " + msg.getClass().getName());
            } else if (cell instanceof VPadding || cell instanceof Padding || cell instanceof PaddingNegotiate) {
                // Padding is allowed at any time and ignored (tor-spec §4.1, §7.2).
            } else if (cell instanceof Versions && step != Step.VERSIONS && linkProtocol != 0) {
                // "Any VERSIONS cells sent after the first VERSIONS cell MUST be ignored" (tor-spec §4.1).
            } else {
                onCell(cell);
            }
        } catch (LinkHandshakeException e) {
            fail(e);
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onCell(Cell cell) throws LinkHandshakeException {
        switch (step) {
            case VERSIONS -> onVersions(expect(cell, Versions.class));
            case CERTS -> onResponderCerts(expect(cell, Certs.class));
            case AUTH_CHALLENGE -> {
                challenge = expect(cell, AuthChallenge.class);
                advance(Step.NETINFO);
            }
            case NETINFO -> {
                Netinfo netinfo = expect(cell, Netinfo.class);
                if (role == Role.INITIATOR) {
                    finishAsInitiator(netinfo);
                } else {
                    established(netinfo);
                }
            }
            case CERTS_OR_NETINFO -> {
                if (cell instanceof Certs certs) {
                    PeerCerts verified = PeerCerts.verify(certs, Certs.ED25519_AUTHENTICATE, Ed25519Cert.KEY_ED25519,
                            settings.clock().instant());
                    peerIdentity = verified.identity();
                    peerLinkAuthKey = verified.leaf().certifiedKey();
                    advance(Step.AUTHENTICATE);
                } else {
                    established(expect(cell, Netinfo.class));
                }
            }
            case AUTHENTICATE -> onAuthenticate(expect(cell, Authenticate.class));
            default -> throw unexpected(cell);
        }
    }

    private <T extends Cell> T expect(Cell cell, Class<T> type) throws LinkHandshakeException {
        if (!type.isInstance(cell)) {
            throw unexpected(cell);
        }
        return type.cast(cell);
    }

    private LinkHandshakeException unexpected(Cell cell) {
        return new LinkHandshakeException(Reason.UNEXPECTED_CELL, cell.command() + " while the " + role
                + " waits for " + step);
    }

    private void onVersions(Versions versions) throws LinkHandshakeException {
        OptionalInt common = versions.highestCommon(settings.versions());
        if (common.isEmpty()) {
            throw new LinkHandshakeException(Reason.NO_COMMON_VERSION, "peer offers " + versions.versions()
                    + ", we speak " + settings.versions());
        }
        linkProtocol = common.getAsInt();
        ctx.pipeline().get(CellDecoder.class).setLinkProtocol(linkProtocol);
        if (role == Role.INITIATOR) {
            ctx.pipeline().get(CellEncoder.class).setLinkProtocol(linkProtocol);
            advance(Step.CERTS);
            return;
        }
        // tor-spec §4: the responder answers VERSIONS, then CERTS, AUTH_CHALLENGE and NETINFO at once.
        ctx.write(new Versions(settings.versions()));
        ctx.pipeline().get(CellEncoder.class).setLinkProtocol(linkProtocol);
        ctx.write(keys.responderCerts());
        ctx.write(new AuthChallenge(Randoms.bytes(AuthChallenge.CHALLENGE_LEN), List.of(Auth0003.AUTH_TYPE)));
        ctx.writeAndFlush(netinfo(settings.clock().instant().getEpochSecond(), true));
        advance(Step.CERTS_OR_NETINFO);
    }

    private void onResponderCerts(Certs certs) throws LinkHandshakeException {
        PeerCerts verified = PeerCerts.verify(certs, Certs.ED25519_TLS_LINK, Ed25519Cert.KEY_SHA256_OF_X509,
                settings.clock().instant());
        if (!ConstantTime.equals(verified.leaf().certifiedKey(), responderTlsDigest)) {
            throw new LinkHandshakeException(Reason.TLS_CERTIFICATE_MISMATCH, "the type-5 certificate certifies "
                    + hex(verified.leaf().certifiedKey()) + " but TLS presented a certificate with SHA-256 "
                    + hex(responderTlsDigest));
        }
        if (!ConstantTime.equals(verified.identity(), expectedIdentity)) {
            throw new LinkHandshakeException(Reason.WRONG_IDENTITY, "wanted relay " + hex(expectedIdentity)
                    + " but the peer proved identity " + hex(verified.identity()));
        }
        peerIdentity = verified.identity();
        advance(Step.AUTH_CHALLENGE);
    }

    private void finishAsInitiator(Netinfo peerNetinfo) {
        boolean authenticate = keys != null && settings.authenticate()
                && challenge.methods().contains(Auth0003.AUTH_TYPE);
        if (authenticate) {
            ctx.write(keys.initiatorCerts());
            byte[] prefix = Auth0003.expectedPrefix(keys.identityKey(), peerIdentity, transcript.slog(),
                    transcript.clog(), responderTlsDigest);
            ctx.write(new Authenticate(Auth0003.AUTH_TYPE, Auth0003.sign(prefix, keys.linkAuthKey())));
        }
        // "Clients SHOULD send 0 as their timestamp" (tor-spec §4.5); relays send their clock.
        ctx.writeAndFlush(netinfo(authenticate ? settings.clock().instant().getEpochSecond() : 0, authenticate));
        established(peerNetinfo);
    }

    private void onAuthenticate(Authenticate authenticate) throws LinkHandshakeException {
        if (authenticate.authType() != Auth0003.AUTH_TYPE) {
            throw new LinkHandshakeException(Reason.AUTHENTICATION_FAILED, "AuthType " + authenticate.authType()
                    + " was not offered");
        }
        byte[] prefix = Auth0003.expectedPrefix(peerIdentity, keys.identityKey(), transcript.slog(),
                transcript.clog(), responderTlsDigest);
        String problem = Auth0003.check(authenticate.authentication(), prefix, peerLinkAuthKey);
        if (problem != null) {
            throw new LinkHandshakeException(Reason.AUTHENTICATION_FAILED, problem);
        }
        advance(Step.NETINFO);
    }

    private Netinfo netinfo(long time, boolean withOwnAddress) {
        InetAddress other = address(ctx.channel().remoteAddress());
        InetAddress mine = withOwnAddress ? address(ctx.channel().localAddress()) : null;
        return new Netinfo(time, other, mine == null ? List.of() : List.of(mine));
    }

    private static InetAddress address(SocketAddress address) {
        return address instanceof InetSocketAddress inet ? inet.getAddress() : null;
    }

    private void established(Netinfo peerNetinfo) {
        advance(Step.DONE);
        Link link = new Link(ctx.channel(), role, linkProtocol, role == Role.RESPONDER && peerLinkAuthKey == null
                ? null : peerIdentity, peerNetinfo);
        ctx.pipeline().remove(transcript);
        try {
            listener.established(link);
        } catch (RuntimeException e) {
            ctx.close();
            result.tryFailure(e);
            return;
        }
        // Out of the pipeline before anyone holding the future looks at it.
        ctx.pipeline().remove(this);
        result.trySuccess(link);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (failed) {
            return;
        }
        if (step == Step.DONE) {
            ctx.fireExceptionCaught(cause);
            return;
        }
        if (findCause(cause, CellFormatException.class) != null) {
            fail(Reason.MALFORMED_CELL, findCause(cause, CellFormatException.class).getMessage(), cause);
        } else if (findCause(cause, SSLException.class) != null) {
            fail(Reason.TLS, findCause(cause, SSLException.class).getMessage(), cause);
        } else if (cause instanceof IOException) {
            fail(Reason.CLOSED, cause.getMessage(), cause);
        } else {
            fail(Reason.UNEXPECTED_CELL, String.valueOf(cause.getMessage()), cause);
        }
    }

    private static <T extends Throwable> T findCause(Throwable error, Class<T> type) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        fail(Reason.CLOSED, "connection closed by the peer while the " + role + " waited for " + step);
        ctx.fireChannelInactive();
    }

    private void fail(Reason reason, String message) {
        fail(new LinkHandshakeException(reason, message));
    }

    private void fail(Reason reason, String message, Throwable cause) {
        fail(new LinkHandshakeException(reason, message, cause));
    }

    private void fail(LinkHandshakeException failure) {
        if (step == Step.DONE) {
            return;
        }
        advance(Step.DONE);
        failed = true;
        if (result.tryFailure(failure)) {
            listener.failed(ctx.channel(), failure);
        }
        ctx.close();
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
