package org.veilswarm.transport.tor.control;

import java.util.Arrays;
import java.util.Optional;
import org.veilswarm.api.node.OnionAddress;

/**
 * The answer to ADD_ONION (control-spec §3.27): the ServiceID (the 56-character address label) and,
 * when tor generated the key and was not told to discard it, that 64-byte expanded secret key.
 * {@link #toString()} never shows the key.
 */
public final class AddOnionResult {
    private final String serviceId;
    private final byte[] expandedSecretKey;

    public AddOnionResult(String serviceId, byte[] expandedSecretKey) {
        this.serviceId = serviceId;
        this.expandedSecretKey = expandedSecretKey == null ? null : expandedSecretKey.clone();
    }

    /** The address label without {@code .onion}. */
    public String serviceId() {
        return serviceId;
    }

    public OnionAddress address() {
        return OnionAddress.parse(serviceId);
    }

    /** A copy of the generated key, to re-add the same service later with {@link AddOnionRequest#withExpandedKey}. */
    public Optional<byte[]> expandedSecretKey() {
        return Optional.ofNullable(expandedSecretKey).map(byte[]::clone);
    }

    /** Zeroes the key held here. */
    public void destroy() {
        if (expandedSecretKey != null) {
            Arrays.fill(expandedSecretKey, (byte) 0);
        }
    }

    @Override
    public String toString() {
        return "AddOnionResult[" + serviceId + (expandedSecretKey != null ? ", key=<secret>" : "") + "]";
    }
}
