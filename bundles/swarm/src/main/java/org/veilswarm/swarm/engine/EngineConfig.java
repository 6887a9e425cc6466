package org.veilswarm.swarm.engine;

import java.security.SecureRandom;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;

import org.veilswarm.peerwire.Handshake;
import org.veilswarm.peerwire.PeerWireLimits;

/**
 * Settings shared by every torrent of a {@link SwarmEngine}.
 *
 * @param peerId            our BEP 3 peer id (20 bytes); {@link #defaults()} makes a random one with the
 *                          {@code -VS0100-} prefix (Azureus style, as libtorrent and others use)
 * @param limits            what one peer may make us buffer or compute
 * @param clientName        the {@code v} of our BEP 10 extension handshake
 * @param uploadLimit       global upload limit across all torrents
 * @param downloadLimit     global download limit across all torrents
 * @param handshakeTimeout  a connection whose BEP 3 handshake is not done by then is closed
 * @param idleTimeout       a peer that sends nothing at all (not even a keep-alive) for this long is dropped;
 *                          BEP 3 peers send keep-alives about every two minutes
 */
public record EngineConfig(byte[] peerId, PeerWireLimits limits, String clientName, RateLimiter uploadLimit,
                           RateLimiter downloadLimit, Duration handshakeTimeout, Duration idleTimeout) {

    public EngineConfig {
        Objects.requireNonNull(peerId, "peerId");
        if (peerId.length != Handshake.PEER_ID_LENGTH) {
            throw new IllegalArgumentException("peer id must be 20 bytes, not " + peerId.length);
        }
        peerId = peerId.clone();
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(clientName, "clientName");
        Objects.requireNonNull(uploadLimit, "uploadLimit");
        Objects.requireNonNull(downloadLimit, "downloadLimit");
        if (handshakeTimeout.isNegative() || handshakeTimeout.isZero() || idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("timeouts must be positive");
        }
    }

    public static EngineConfig defaults() {
        return new EngineConfig(randomPeerId(), PeerWireLimits.DEFAULT, "Veilswarm 0.1", RateLimiter.UNLIMITED,
                RateLimiter.UNLIMITED, Duration.ofSeconds(30), Duration.ofMinutes(3));
    }

    /** {@code -VS0100-} followed by 12 random ASCII letters and digits. */
    public static byte[] randomPeerId() {
        byte[] id = new byte[Handshake.PEER_ID_LENGTH];
        byte[] prefix = "-VS0100-".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(prefix, 0, id, 0, prefix.length);
        String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        SecureRandom random = new SecureRandom();
        for (int i = prefix.length; i < id.length; i++) {
            id[i] = (byte) alphabet.charAt(random.nextInt(alphabet.length()));
        }
        return id;
    }

    @Override
    public byte[] peerId() {
        return peerId.clone();
    }

    public EngineConfig withUploadLimit(RateLimiter value) {
        return new EngineConfig(peerId, limits, clientName, value, downloadLimit, handshakeTimeout, idleTimeout);
    }

    public EngineConfig withDownloadLimit(RateLimiter value) {
        return new EngineConfig(peerId, limits, clientName, uploadLimit, value, handshakeTimeout, idleTimeout);
    }

    public EngineConfig withTimeouts(Duration handshake, Duration idle) {
        return new EngineConfig(peerId, limits, clientName, uploadLimit, downloadLimit, handshake, idle);
    }
}
