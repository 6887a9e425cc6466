package org.veilswarm.transport.onion.hs.rend;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import org.veilswarm.transport.onion.circuit.RelayTarget;

/**
 * The decrypted ENCRYPTED_DATA of INTRODUCE2 (rend-spec-v3 §3.3):
 * <pre>
 * RENDEZVOUS_COOKIE [20]
 * N_EXTENSIONS [1]  { EXT_FIELD_TYPE [1]  EXT_FIELD_LEN [1]  EXT_FIELD }
 * ONION_KEY_TYPE [1] (01: ntor)  ONION_KEY_LEN [2]  ONION_KEY
 * NSPEC [1]  { LSTYPE [1]  LSLEN [1]  LSPEC }      the rendezvous point
 * PAD                                            zeros up to a fixed cell size
 * </pre>
 */
public record IntroducePlaintext(byte[] rendezvousCookie, List<CellExtension> extensions, byte[] onionKey,
        byte[] linkSpecifiers) {
    public static final int COOKIE_LEN = 20;
    static final int ONION_KEY_TYPE_NTOR = 1;
    /**
     * INTRODUCE1 bodies are padded to this size so their length tells the introduction point nothing
     * (C tor and Arti pad to 490 bytes).
     */
    public static final int PADDED_INTRODUCE1_LEN = 490;
    /**
     * EXT_FIELD_TYPE 01 of the encrypted section, "Congestion Control Request" (proposal 324 §9.2): no body; the
     * client asks the service to use congestion control on the rendezvous circuit.
     */
    public static final int EXT_CONGESTION_CONTROL_REQUEST = 1;

    public IntroducePlaintext {
        if (rendezvousCookie.length != COOKIE_LEN) {
            throw new IllegalArgumentException("RENDEZVOUS_COOKIE must be 20 bytes");
        }
        if (onionKey.length != 32) {
            throw new IllegalArgumentException("ONION_KEY must be a 32-byte ntor key");
        }
        rendezvousCookie = rendezvousCookie.clone();
        extensions = List.copyOf(extensions);
        onionKey = onionKey.clone();
        linkSpecifiers = linkSpecifiers.clone();
    }

    /** Names {@code rendezvousPoint} by its link specifiers and ntor key. */
    public static IntroducePlaintext to(byte[] cookie, RelayTarget rendezvousPoint) {
        return new IntroducePlaintext(cookie, List.of(), rendezvousPoint.ntorOnionKey(),
                LinkSpecifiers.encode(rendezvousPoint));
    }

    /** The same plaintext asking for congestion control on the rendezvous circuit (proposal 324 §9.2). */
    public IntroducePlaintext withCongestionControlRequest() {
        if (requestsCongestionControl()) {
            return this;
        }
        List<CellExtension> more = new java.util.ArrayList<>(extensions);
        more.add(new CellExtension(EXT_CONGESTION_CONTROL_REQUEST, new byte[0]));
        return new IntroducePlaintext(rendezvousCookie, more, onionKey, linkSpecifiers);
    }

    /** Whether the client asked for congestion control (its extension's body, if any, is ignored). */
    public boolean requestsCongestionControl() {
        return extensions.stream().anyMatch(e -> e.type() == EXT_CONGESTION_CONTROL_REQUEST);
    }

    public RelayTarget rendezvousPoint() throws RendCellException {
        return LinkSpecifiers.decode(linkSpecifiers, onionKey);
    }

    /** The encoding padded with zeros to {@code length} bytes (or unpadded if it is longer). */
    public byte[] encode(int length) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(length, 128));
        out.writeBytes(rendezvousCookie);
        CellExtension.write(out, extensions);
        out.write(ONION_KEY_TYPE_NTOR);
        out.write(0);
        out.write(onionKey.length);
        out.writeBytes(onionKey);
        out.writeBytes(linkSpecifiers);
        while (out.size() < length) {
            out.write(0);
        }
        return out.toByteArray();
    }

    /** Parses strictly up to the link specifiers; what follows is padding, whatever its bytes. */
    public static IntroducePlaintext decode(byte[] plaintext) throws RendCellException {
        BodyCursor in = new BodyCursor("INTRODUCE2 plaintext", plaintext);
        byte[] cookie = in.bytes(COOKIE_LEN, "RENDEZVOUS_COOKIE");
        List<CellExtension> extensions = CellExtension.read(in);
        int type = in.u8("ONION_KEY_TYPE");
        if (type != ONION_KEY_TYPE_NTOR) {
            throw in.error("ONION_KEY_TYPE " + type + " (only 01, ntor, is defined)");
        }
        int keyLength = in.u16("ONION_KEY_LEN");
        if (keyLength != 32) {
            throw in.error("ONION_KEY_LEN " + keyLength + " (an ntor key is 32 bytes)");
        }
        byte[] onionKey = in.bytes(keyLength, "ONION_KEY");
        int start = in.position();
        int count = in.u8("NSPEC");
        if (count == 0) {
            throw in.error("NSPEC 0: no rendezvous point");
        }
        for (int i = 0; i < count; i++) {
            in.u8("LSTYPE");
            in.bytes(in.u8("LSLEN"), "LSPEC");
        }
        byte[] specs = Arrays.copyOfRange(plaintext, start, in.position());
        return new IntroducePlaintext(cookie, extensions, onionKey, specs);
    }

    @Override
    public byte[] rendezvousCookie() {
        return rendezvousCookie.clone();
    }

    @Override
    public byte[] onionKey() {
        return onionKey.clone();
    }

    @Override
    public byte[] linkSpecifiers() {
        return linkSpecifiers.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IntroducePlaintext other && Arrays.equals(other.encode(0), encode(0));
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(encode(0));
    }

    @Override
    public String toString() {
        return "IntroducePlaintext[cookie hidden, " + extensions.size() + " extensions]";
    }
}
