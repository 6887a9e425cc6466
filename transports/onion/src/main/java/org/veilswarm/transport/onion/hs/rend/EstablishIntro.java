package org.veilswarm.transport.onion.hs.rend;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.veilswarm.crypto.ConstantTime;
import org.veilswarm.crypto.Ed25519;
import org.veilswarm.crypto.Ed25519KeyPair;
import org.veilswarm.transport.onion.cell.RelayCommand;
import org.veilswarm.transport.onion.cell.UnparsedRelayMessage;

/**
 * ESTABLISH_INTRO (rend-spec-v3 §3.1.1), the service's request that a relay act as its introduction
 * point for KP_hs_ipt_sid:
 * <pre>
 * AUTH_KEY_TYPE [1] (02: Ed25519)  AUTH_KEY_LEN [2]  AUTH_KEY [AUTH_KEY_LEN]
 * N_EXTENSIONS [1]  { EXT_FIELD_TYPE [1]  EXT_FIELD_LEN [1]  EXT_FIELD }
 * HANDSHAKE_AUTH [32]   MAC(KH, every earlier field)
 * SIG_LEN [2]  SIG      Ed25519 signature by AUTH_KEY of "Tor establish-intro cell v1" | every earlier field
 * </pre>
 * The signed part includes SIG_LEN, as C tor signs and checks it (everything before SIG). Kept with
 * its encoded bytes, so verification works on exactly what was received.
 */
public final class EstablishIntro {
    public static final int AUTH_KEY_TYPE_ED25519 = 2;
    static final byte[] SIG_PREFIX = "Tor establish-intro cell v1".getBytes(StandardCharsets.US_ASCII);

    private final byte[] encoded;
    private final byte[] authKey;
    private final List<CellExtension> extensions;
    /** Offset of HANDSHAKE_AUTH, and of SIG. */
    private final int macOffset;
    private final int sigOffset;

    private EstablishIntro(byte[] encoded, byte[] authKey, List<CellExtension> extensions, int macOffset, int sigOffset) {
        this.encoded = encoded;
        this.authKey = authKey;
        this.extensions = extensions;
        this.macOffset = macOffset;
        this.sigOffset = sigOffset;
    }

    /** Builds and signs the cell for a circuit whose last hop's handshake gave {@code handshakeNonce} (KH). */
    public static EstablishIntro create(Ed25519KeyPair authKey, byte[] handshakeNonce, List<CellExtension> extensions) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(200);
        out.write(AUTH_KEY_TYPE_ED25519);
        out.write(0);
        out.write(Ed25519.PUBLIC_KEY_LENGTH);
        out.writeBytes(authKey.publicKey());
        CellExtension.write(out, extensions);
        int macOffset = out.size();
        out.writeBytes(HsMac.mac(handshakeNonce, out.toByteArray()));
        out.write(0);
        out.write(Ed25519.SIGNATURE_LENGTH);
        int sigOffset = out.size();
        out.writeBytes(authKey.sign(HsNtor.concat(SIG_PREFIX, out.toByteArray())));
        return new EstablishIntro(out.toByteArray(), authKey.publicKey(), List.copyOf(extensions), macOffset, sigOffset);
    }

    /** Parses a body strictly: an Ed25519 auth key, well-formed extensions, a 64-byte signature, nothing after it. */
    public static EstablishIntro decode(byte[] body) throws RendCellException {
        BodyCursor in = new BodyCursor("ESTABLISH_INTRO", body);
        int type = in.u8("AUTH_KEY_TYPE");
        if (type != AUTH_KEY_TYPE_ED25519) {
            throw in.error("AUTH_KEY_TYPE " + type + " (only 02, Ed25519, is v3)");
        }
        int keyLength = in.u16("AUTH_KEY_LEN");
        if (keyLength != Ed25519.PUBLIC_KEY_LENGTH) {
            throw in.error("AUTH_KEY_LEN " + keyLength + " (an Ed25519 key is 32 bytes)");
        }
        byte[] authKey = in.bytes(keyLength, "AUTH_KEY");
        List<CellExtension> extensions = CellExtension.read(in);
        for (CellExtension extension : extensions) {
            if (extension.type() == DosParameters.EXTENSION_TYPE) {
                DosParameters.fromExtension(extension); // a malformed DoS extension makes the cell malformed
            }
        }
        int macOffset = in.position();
        in.bytes(HsMac.LENGTH, "HANDSHAKE_AUTH");
        int sigLength = in.u16("SIG_LEN");
        if (sigLength != Ed25519.SIGNATURE_LENGTH) {
            throw in.error("SIG_LEN " + sigLength + " (an Ed25519 signature is 64 bytes)");
        }
        int sigOffset = in.position();
        in.bytes(sigLength, "SIG");
        in.end();
        return new EstablishIntro(body.clone(), authKey, extensions, macOffset, sigOffset);
    }

    public byte[] authKey() {
        return authKey.clone();
    }

    public List<CellExtension> extensions() {
        return extensions;
    }

    /** The DoS parameters extension (§3.1.1.1), if present. */
    public Optional<DosParameters> dosParameters() {
        for (CellExtension extension : extensions) {
            if (extension.type() == DosParameters.EXTENSION_TYPE) {
                try {
                    return Optional.of(DosParameters.fromExtension(extension));
                } catch (RendCellException e) {
                    throw new IllegalStateException(e); // checked by decode and create
                }
            }
        }
        return Optional.empty();
    }

    /** Whether HANDSHAKE_AUTH is the MAC of the earlier fields under this circuit's KH (replay protection). */
    public boolean handshakeAuthValid(byte[] handshakeNonce) {
        byte[] expected = HsMac.mac(handshakeNonce, encoded, 0, macOffset);
        return ConstantTime.equals(expected, 0, encoded, macOffset, HsMac.LENGTH);
    }

    /** Whether SIG is AUTH_KEY's signature of the prefixed earlier fields. */
    public boolean signatureValid() {
        byte[] signed = HsNtor.concat(SIG_PREFIX, Arrays.copyOf(encoded, sigOffset));
        return Ed25519.verify(authKey, signed, Arrays.copyOfRange(encoded, sigOffset, encoded.length));
    }

    public byte[] encode() {
        return encoded.clone();
    }

    public UnparsedRelayMessage toMessage() {
        return new UnparsedRelayMessage(RelayCommand.ESTABLISH_INTRO.code(), encoded);
    }
}
