package org.veilswarm.transport.onion.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.veilswarm.api.transport.ServiceKey;
import org.veilswarm.crypto.X25519;
import org.veilswarm.crypto.X25519KeyPair;

/**
 * The relay's ntor onion keys, one per {@link #ROTATION} period, derived from the node key and the period number.
 *
 * <p>Why derived and not fresh per start: clients build circuits with the onion key of the consensus they hold,
 * and a relay's new descriptor reaches them only with a later consensus. A relay that drew a new key each time it
 * started (a bundle update of this transport restarts it) answered every CREATE2 made with the old key with DESTROY
 * PROTOCOL until then: in the testnet a downloader's circuits through the updated node all failed for a minute.
 * Tor keeps its onion key on disk across restarts and accepts the previous one for a grace period after a rotation
 * (proposal 274: onion-key-rotation-days 28, onion-key-grace-period-days 7); a derivation gives the same stability
 * with no key file, and ntor's forward secrecy rests on the ephemeral keys, not on the onion key's secrecy
 * (tor-spec §5.1.4), so tying the onion key to the node key adds nothing an attacker holding the node key lacks.
 */
final class RelayOnionKeys {
    /** How long one onion key is current: tor's default onion-key-rotation-days (proposal 274). */
    static final Duration ROTATION = Duration.ofDays(28);
    private static final String INFO = "veilswarm onion relay ntor onion key v1 period ";

    private RelayOnionKeys() {
    }

    /** The rotation period {@code now} falls in: whole {@link #ROTATION}s since the Unix epoch. */
    static long period(Instant now) {
        return Math.floorDiv(now.getEpochSecond(), ROTATION.toSeconds());
    }

    /** The onion key of the node whose service key is {@code nodeKey} in rotation period {@code period}. */
    static X25519KeyPair derive(ServiceKey nodeKey, long period) {
        byte[] info = ByteBuffer.allocate(INFO.length() + Long.BYTES).put(INFO.getBytes(StandardCharsets.US_ASCII))
                .putLong(period).array();
        return NodeKeyDerivation.derive(nodeKey, info, X25519.KEY_LENGTH, X25519KeyPair::fromPrivateKey);
    }
}
