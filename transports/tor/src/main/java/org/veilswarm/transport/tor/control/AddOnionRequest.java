package org.veilswarm.transport.tor.control;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * What {@code ADD_ONION} (control-spec §3.27) should create: a v3 service with a new key or with ours
 * (the 64-byte expanded Ed25519 secret key, as {@code org.veilswarm.crypto.Ed25519.expandSecretKey}
 * makes it, so the address equals the one on the native transport), the ports it maps to loopback
 * targets, and flags. Holds the key until {@link #destroy()}; {@link #toString()} never shows it.
 */
public final class AddOnionRequest {
    private static final int EXPANDED_KEY_LENGTH = 64;

    private final byte[] expandedSecretKey;
    private final List<String> ports = new ArrayList<>();
    private boolean detach;
    private boolean discardPrivateKey;
    private int maxStreams;

    private AddOnionRequest(byte[] expandedSecretKey) {
        this.expandedSecretKey = expandedSecretKey;
    }

    /** tor generates a fresh ED25519-V3 key ({@code NEW:ED25519-V3}) and returns it unless {@link #discardPrivateKey()}. */
    public static AddOnionRequest newKey() {
        return new AddOnionRequest(null);
    }

    /** The service uses this 64-byte expanded Ed25519 secret key (copied). */
    public static AddOnionRequest withExpandedKey(byte[] expandedSecretKey) {
        if (expandedSecretKey == null || expandedSecretKey.length != EXPANDED_KEY_LENGTH) {
            throw new IllegalArgumentException("an expanded Ed25519 secret key is " + EXPANDED_KEY_LENGTH + " bytes, got "
                    + (expandedSecretKey == null ? "null" : expandedSecretKey.length));
        }
        return new AddOnionRequest(expandedSecretKey.clone());
    }

    /** Connections to {@code virtualPort} of the service go to 127.0.0.1:{@code targetPort}. */
    public AddOnionRequest port(int virtualPort, int targetPort) {
        checkPort(virtualPort, "virtual port");
        checkPort(targetPort, "target port");
        ports.add("Port=" + virtualPort + ",127.0.0.1:" + targetPort);
        return this;
    }

    /** The service outlives this control connection (Flags=Detach); remove it with DEL_ONION. */
    public AddOnionRequest detach() {
        detach = true;
        return this;
    }

    /** tor does not return a generated key (Flags=DiscardPK). */
    public AddOnionRequest discardPrivateKey() {
        discardPrivateKey = true;
        return this;
    }

    /** At most this many concurrent streams per rendezvous circuit (MaxStreams; 0 = unlimited). */
    public AddOnionRequest maxStreams(int maxStreams) {
        if (maxStreams < 0 || maxStreams > 65535) {
            throw new IllegalArgumentException("MaxStreams must be 0..65535, got " + maxStreams);
        }
        this.maxStreams = maxStreams;
        return this;
    }

    public boolean generatesKey() {
        return expandedSecretKey == null;
    }

    /** The command line; it carries the secret key, so it must never be logged. */
    String commandLine() {
        if (ports.isEmpty()) {
            throw new IllegalStateException("ADD_ONION needs at least one port");
        }
        StringBuilder line = new StringBuilder("ADD_ONION ");
        if (expandedSecretKey == null) {
            line.append("NEW:ED25519-V3");
        } else {
            line.append("ED25519-V3:").append(Base64.getEncoder().encodeToString(expandedSecretKey));
        }
        List<String> flags = new ArrayList<>();
        if (detach) {
            flags.add("Detach");
        }
        if (discardPrivateKey) {
            flags.add("DiscardPK");
        }
        if (!flags.isEmpty()) {
            line.append(" Flags=").append(String.join(",", flags));
        }
        if (maxStreams > 0) {
            line.append(" MaxStreams=").append(maxStreams);
        }
        for (String port : ports) {
            line.append(' ').append(port);
        }
        return line.toString();
    }

    /** Zeroes the key copy held here. */
    public void destroy() {
        if (expandedSecretKey != null) {
            Arrays.fill(expandedSecretKey, (byte) 0);
        }
    }

    private static void checkPort(int port, String what) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(what + " must be 1..65535, got " + port);
        }
    }

    @Override
    public String toString() {
        return "AddOnionRequest[" + (generatesKey() ? "NEW:ED25519-V3" : "ED25519-V3:<secret>") + ", " + ports
                + (detach ? ", Detach" : "") + (discardPrivateKey ? ", DiscardPK" : "") + "]";
    }
}
