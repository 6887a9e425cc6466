package org.veilswarm.transport.onion.stream;

import java.util.Objects;

/**
 * What the other end of a circuit asked for: a RELAY_BEGIN to {@code address:port} (on an onion
 * service the address is the service's and the port its virtual port) or a RELAY_BEGIN_DIR
 * (tor-spec §6.2).
 */
public record StreamRequest(Kind kind, String address, int port, int flags) {
    public enum Kind {
        BEGIN, BEGIN_DIR
    }

    public StreamRequest {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(address, "address");
    }

    static StreamRequest directory() {
        return new StreamRequest(Kind.BEGIN_DIR, "", 0, 0);
    }

    @Override
    public String toString() {
        return kind == Kind.BEGIN_DIR ? "BEGIN_DIR" : "BEGIN " + address + ":" + port;
    }
}
