package org.veilswarm.transport.onion.hs.rend;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import org.veilswarm.crypto.Ed25519;
import org.veilswarm.transport.onion.cell.RelayCommand;
import org.veilswarm.transport.onion.cell.UnparsedRelayMessage;

/**
 * INTRODUCE1 (rend-spec-v3 §3.2.1), which the introduction point forwards unchanged as INTRODUCE2
 * (§3.2.2 "the same format"):
 * <pre>
 * LEGACY_KEY_ID [20] (zero for v3)  AUTH_KEY_TYPE [1] (02)  AUTH_KEY_LEN [2]  AUTH_KEY
 * N_EXTENSIONS [1]  { EXT_FIELD_TYPE [1]  EXT_FIELD_LEN [1]  EXT_FIELD }
 * ENCRYPTED: CLIENT_PK [32] | ENCRYPTED_DATA | MAC [32]   (§3.3, see {@link HsNtor})
 * </pre>
 */
public record Introduce1(byte[] authKey, List<CellExtension> extensions, byte[] encrypted) {
    static final int LEGACY_KEY_ID_LEN = 20;

    public Introduce1 {
        if (authKey.length != Ed25519.PUBLIC_KEY_LENGTH) {
            throw new IllegalArgumentException("AUTH_KEY must be 32 bytes");
        }
        if (encrypted.length < HsNtor.ENCRYPTION_OVERHEAD) {
            throw new IllegalArgumentException("the encrypted section needs at least CLIENT_PK and MAC");
        }
        authKey = authKey.clone();
        extensions = List.copyOf(extensions);
        encrypted = encrypted.clone();
    }

    /** The fields before ENCRYPTED: what the MAC of §3.3 covers ahead of CLIENT_PK. */
    public static byte[] header(byte[] authKey, List<CellExtension> extensions) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        out.writeBytes(new byte[LEGACY_KEY_ID_LEN]);
        out.write(EstablishIntro.AUTH_KEY_TYPE_ED25519);
        out.write(0);
        out.write(authKey.length);
        out.writeBytes(authKey);
        CellExtension.write(out, extensions);
        return out.toByteArray();
    }

    public byte[] header() {
        return header(authKey, extensions);
    }

    /**
     * The INTRODUCE1 a client sends to the intro point with {@code authKey}: no extensions, and {@code plaintext}
     * encrypted and MACed over the header by {@code handshake} (§3.3).
     */
    public static Introduce1 seal(byte[] authKey, HsNtor.Client handshake, byte[] plaintext)
            throws org.veilswarm.transport.onion.crypto.HandshakeFailedException {
        return new Introduce1(authKey, List.of(), handshake.encrypt(header(authKey, List.of()), plaintext));
    }

    @Override
    public byte[] authKey() {
        return authKey.clone();
    }

    @Override
    public byte[] encrypted() {
        return encrypted.clone();
    }

    /** Parses an INTRODUCE1 or INTRODUCE2 body ({@code cell} names it in errors). */
    public static Introduce1 decode(String cell, byte[] body) throws RendCellException {
        BodyCursor in = new BodyCursor(cell, body);
        byte[] legacy = in.bytes(LEGACY_KEY_ID_LEN, "LEGACY_KEY_ID");
        for (byte b : legacy) {
            if (b != 0) {
                throw in.error("LEGACY_KEY_ID is not zero (a v2 introduction)");
            }
        }
        int type = in.u8("AUTH_KEY_TYPE");
        if (type != EstablishIntro.AUTH_KEY_TYPE_ED25519) {
            throw in.error("AUTH_KEY_TYPE " + type + " (only 02, Ed25519, is v3)");
        }
        int keyLength = in.u16("AUTH_KEY_LEN");
        if (keyLength != Ed25519.PUBLIC_KEY_LENGTH) {
            throw in.error("AUTH_KEY_LEN " + keyLength + " (an Ed25519 key is 32 bytes)");
        }
        byte[] authKey = in.bytes(keyLength, "AUTH_KEY");
        List<CellExtension> extensions = CellExtension.read(in);
        if (in.remaining() < HsNtor.ENCRYPTION_OVERHEAD) {
            throw in.error("encrypted section of " + in.remaining() + " bytes (CLIENT_PK and MAC alone are 64)");
        }
        return new Introduce1(authKey, extensions, in.rest());
    }

    public byte[] encode() {
        return HsNtor.concat(header(), encrypted);
    }

    public UnparsedRelayMessage toIntroduce1() {
        return new UnparsedRelayMessage(RelayCommand.INTRODUCE1.code(), encode());
    }

    public UnparsedRelayMessage toIntroduce2() {
        return new UnparsedRelayMessage(RelayCommand.INTRODUCE2.code(), encode());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Introduce1 other && Arrays.equals(other.encode(), encode());
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(encode());
    }

    @Override
    public String toString() {
        return "Introduce1[" + encrypted.length + " encrypted bytes]";
    }
}
