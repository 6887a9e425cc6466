package org.veilswarm.transport.onion.hs.rend;

import java.io.ByteArrayOutputStream;
import java.util.List;
import org.veilswarm.transport.onion.cell.RelayCommand;
import org.veilswarm.transport.onion.cell.UnparsedRelayMessage;

/** INTRO_ESTABLISHED (rend-spec-v3 §3.1.3): N_EXTENSIONS [1] and the extensions. */
public record IntroEstablished(List<CellExtension> extensions) {
    public IntroEstablished {
        extensions = List.copyOf(extensions);
    }

    public static IntroEstablished decode(byte[] body) throws RendCellException {
        BodyCursor in = new BodyCursor("INTRO_ESTABLISHED", body);
        List<CellExtension> extensions = CellExtension.read(in);
        in.end();
        return new IntroEstablished(extensions);
    }

    public byte[] encode() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CellExtension.write(out, extensions);
        return out.toByteArray();
    }

    public UnparsedRelayMessage toMessage() {
        return new UnparsedRelayMessage(RelayCommand.INTRO_ESTABLISHED.code(), encode());
    }
}
