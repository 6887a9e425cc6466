package org.veilswarm.transport.onion.hs.rend;

import java.io.ByteArrayOutputStream;
import java.util.List;
import org.veilswarm.transport.onion.cell.RelayCommand;
import org.veilswarm.transport.onion.cell.UnparsedRelayMessage;

/**
 * INTRODUCE_ACK (rend-spec-v3 §3.2.2): STATUS [2], N_EXTENSIONS [1] and the extensions.
 */
public record IntroduceAck(int status, List<CellExtension> extensions) {
    /** The introduction was relayed to the service. */
    public static final int SUCCESS = 0x0000;
    /** No service circuit for that AUTH_KEY at this introduction point. */
    public static final int SERVICE_NOT_RECOGNIZED = 0x0001;
    public static final int BAD_MESSAGE_FORMAT = 0x0002;
    public static final int CANT_RELAY = 0x0003;

    public IntroduceAck {
        if (status < 0 || status > 0xFFFF) {
            throw new IllegalArgumentException("STATUS must be 0..65535, got " + status);
        }
        extensions = List.copyOf(extensions);
    }

    public IntroduceAck(int status) {
        this(status, List.of());
    }

    public static IntroduceAck decode(byte[] body) throws RendCellException {
        BodyCursor in = new BodyCursor("INTRODUCE_ACK", body);
        int status = in.u16("STATUS");
        List<CellExtension> extensions = CellExtension.read(in);
        in.end();
        return new IntroduceAck(status, extensions);
    }

    public byte[] encode() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(status >>> 8);
        out.write(status);
        CellExtension.write(out, extensions);
        return out.toByteArray();
    }

    public UnparsedRelayMessage toMessage() {
        return new UnparsedRelayMessage(RelayCommand.INTRODUCE_ACK.code(), encode());
    }
}
