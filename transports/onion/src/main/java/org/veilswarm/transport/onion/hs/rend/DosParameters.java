package org.veilswarm.transport.onion.hs.rend;

import java.io.ByteArrayOutputStream;

/**
 * The DoS parameters extension of ESTABLISH_INTRO (rend-spec-v3 §3.1.1.1, type 0x01): the rate and
 * burst per second of INTRODUCE2 cells the introduction point may forward. Each is 0..0x7fffffff;
 * 0 for the rate disables the defense.
 */
public record DosParameters(long ratePerSecond, long burstPerSecond) {
    public static final int EXTENSION_TYPE = 0x01;
    static final int RATE = 0x01;
    static final int BURST = 0x02;
    static final long MAX = 0x7fffffffL;

    public DosParameters {
        if (ratePerSecond < 0 || ratePerSecond > MAX || burstPerSecond < 0 || burstPerSecond > MAX) {
            throw new IllegalArgumentException("DoS parameters must be 0.." + MAX);
        }
    }

    public CellExtension toExtension() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(2); // N_PARAMS
        writeParam(out, RATE, ratePerSecond);
        writeParam(out, BURST, burstPerSecond);
        return new CellExtension(EXTENSION_TYPE, out.toByteArray());
    }

    private static void writeParam(ByteArrayOutputStream out, int type, long value) {
        out.write(type);
        for (int shift = 56; shift >= 0; shift -= 8) {
            out.write((int) (value >>> shift));
        }
    }

    /**
     * Parses the extension body; unknown parameter types are skipped as §3.1.1.1 allows, out-of-range
     * values are an error (C tor refuses them too).
     */
    public static DosParameters fromExtension(CellExtension extension) throws RendCellException {
        if (extension.type() != EXTENSION_TYPE) {
            throw new IllegalArgumentException("not a DoS parameters extension: type " + extension.type());
        }
        BodyCursor in = new BodyCursor("ESTABLISH_INTRO DoS extension", extension.value());
        int count = in.u8("N_PARAMS");
        long rate = 0;
        long burst = 0;
        for (int i = 0; i < count; i++) {
            int type = in.u8("PARAM_TYPE");
            long value = in.u64("PARAM_VALUE");
            if (value < 0 || value > MAX) {
                throw in.error("parameter " + type + " out of range: " + Long.toUnsignedString(value));
            }
            if (type == RATE) {
                rate = value;
            } else if (type == BURST) {
                burst = value;
            }
        }
        in.end();
        return new DosParameters(rate, burst);
    }
}
