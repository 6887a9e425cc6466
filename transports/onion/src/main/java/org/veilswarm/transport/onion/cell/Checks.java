package org.veilswarm.transport.onion.cell;

import java.util.HexFormat;
import java.util.Objects;

/** Argument checks for the value types: a value that exists can always be encoded. */
final class Checks {
    private static final HexFormat HEX = HexFormat.of();

    private Checks() {
    }

    static byte[] exactLength(byte[] value, int length, String what) {
        Objects.requireNonNull(value, what);
        if (value.length != length) {
            throw new IllegalArgumentException(what + " must be " + length + " bytes, got " + value.length);
        }
        return value.clone();
    }

    static byte[] maxLength(byte[] value, int max, String what) {
        Objects.requireNonNull(value, what);
        if (value.length > max) {
            throw new IllegalArgumentException(what + " must be at most " + max + " bytes, got " + value.length);
        }
        return value.clone();
    }

    static int unsigned(int value, int bits, String what) {
        if (value < 0 || value > (1 << bits) - 1) {
            throw new IllegalArgumentException(what + " must fit in " + bits + " unsigned bits, got " + value);
        }
        return value;
    }

    static int nonZeroCircuitId(int circuitId, CellCommand command) {
        if (circuitId == 0) {
            throw new IllegalArgumentException(command + " needs a nonzero circuit ID (tor-spec §5.1.1)");
        }
        return circuitId;
    }

    static String hex(byte[] bytes) {
        return HEX.formatHex(bytes);
    }

    /** Hex of at most the first 32 bytes, for toString(). */
    static String shortHex(byte[] bytes) {
        return bytes.length <= 32 ? HEX.formatHex(bytes) : HEX.formatHex(bytes, 0, 32) + "…(" + bytes.length + " bytes)";
    }
}
