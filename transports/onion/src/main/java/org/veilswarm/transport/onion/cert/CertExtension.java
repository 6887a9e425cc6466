package org.veilswarm.transport.onion.cert;

import java.util.Arrays;

/**
 * One certificate extension: ExtType [1], ExtFlags [1], ExtData [ExtLength] (cert-spec §2.2).
 * Type 4 is signed-with-ed25519-key, whose data is the 32-byte key that signed the certificate.
 */
public final class CertExtension {
    /** ExtType 4: signed-with-ed25519-key (cert-spec §2.2.1). */
    public static final int SIGNED_WITH_ED25519_KEY = 4;
    /** ExtFlags bit 1: "If an extension is not recognized and this flag is set, the certificate is invalid". */
    public static final int AFFECTS_VALIDATION = 1;

    private final int type;
    private final int flags;
    private final byte[] data;

    public CertExtension(int type, int flags, byte[] data) {
        if (type < 0 || type > 0xFF || flags < 0 || flags > 0xFF) {
            throw new IllegalArgumentException("ExtType and ExtFlags are single bytes, got " + type + "/" + flags);
        }
        if (data.length > 0xFFFF) {
            throw new IllegalArgumentException("ExtData longer than 65535 bytes");
        }
        this.type = type;
        this.flags = flags;
        this.data = data.clone();
    }

    /** The signed-with-ed25519-key extension naming {@code signingKey}, without the AFFECTS_VALIDATION flag, as tor writes it. */
    public static CertExtension signedWith(byte[] signingKey) {
        if (signingKey.length != 32) {
            throw new IllegalArgumentException("an Ed25519 key is 32 bytes, got " + signingKey.length);
        }
        return new CertExtension(SIGNED_WITH_ED25519_KEY, 0, signingKey);
    }

    public int type() {
        return type;
    }

    public int flags() {
        return flags;
    }

    public boolean affectsValidation() {
        return (flags & AFFECTS_VALIDATION) != 0;
    }

    public byte[] data() {
        return data.clone();
    }

    int length() {
        return data.length;
    }

    byte[] rawData() {
        return data;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CertExtension other && type == other.type && flags == other.flags
                && Arrays.equals(data, other.data);
    }

    @Override
    public int hashCode() {
        return (31 * type + flags) * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "CertExtension[type=" + type + ", flags=" + flags + ", " + data.length + " bytes]";
    }
}
