package org.veilswarm.transport.onion.hs.rend;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * One entry of the N_EXTENSIONS lists of onion-service cells (rend-spec-v3 §3.1.1, §3.2.1):
 * EXT_FIELD_TYPE [1], EXT_FIELD_LEN [1], EXT_FIELD [EXT_FIELD_LEN]. Unknown types are kept, so a
 * relay forwards what it does not understand unchanged.
 */
public record CellExtension(int type, byte[] value) {
    public CellExtension {
        if (type < 0 || type > 255) {
            throw new IllegalArgumentException("extension type must be 0..255, got " + type);
        }
        if (value.length > 255) {
            throw new IllegalArgumentException("extension body must be at most 255 bytes, got " + value.length);
        }
        value = value.clone();
    }

    @Override
    public byte[] value() {
        return value.clone();
    }

    static void write(ByteArrayOutputStream out, List<CellExtension> extensions) {
        if (extensions.size() > 255) {
            throw new IllegalArgumentException("at most 255 extensions, got " + extensions.size());
        }
        out.write(extensions.size());
        for (CellExtension extension : extensions) {
            out.write(extension.type);
            out.write(extension.value.length);
            out.writeBytes(extension.value);
        }
    }

    static List<CellExtension> read(BodyCursor in) throws RendCellException {
        int count = in.u8("N_EXTENSIONS");
        List<CellExtension> extensions = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int type = in.u8("EXT_FIELD_TYPE");
            int length = in.u8("EXT_FIELD_LEN");
            extensions.add(new CellExtension(type, in.bytes(length, "EXT_FIELD")));
        }
        return List.copyOf(extensions);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CellExtension other && other.type == type && java.util.Arrays.equals(other.value, value);
    }

    @Override
    public int hashCode() {
        return 31 * type + java.util.Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return "CellExtension[" + type + ", " + value.length + " bytes]";
    }
}
