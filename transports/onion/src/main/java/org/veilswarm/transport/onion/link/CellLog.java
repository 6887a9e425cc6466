package org.veilswarm.transport.onion.link;

import io.netty.buffer.ByteBuf;
import org.veilswarm.crypto.RunningDigest;

/**
 * A SHA-256 of the raw bytes of one direction of a link handshake, cut at a cell boundary: the
 * responder's bytes "up to and including the AUTH_CHALLENGE cell" (SLOG) or the initiator's bytes "up to
 * but not including the AUTHENTICATE cell" (CLOG), tor-spec §4.4.2. It frames cells itself (2-byte
 * circuit IDs until the first VERSIONS cell, 4-byte after, as link protocols 4 and 5 use) because the
 * decoder's values are lenient and cannot reproduce the bytes as sent.
 */
final class CellLog {
    private static final int VERSIONS = 7;
    private static final int FIXED_PAYLOAD = 509;

    private final RunningDigest digest = RunningDigest.sha256();
    private final int stopAfterCommand;
    private final int stopBeforeCommand;
    private final byte[] header = new byte[7];
    private int headerFill;
    private int command = -1;
    private int bodyLeft = -1;
    private boolean wideCircuitIds;
    private boolean frozen;

    private CellLog(int stopAfterCommand, int stopBeforeCommand) {
        this.stopAfterCommand = stopAfterCommand;
        this.stopBeforeCommand = stopBeforeCommand;
    }

    static CellLog upToAndIncluding(int command) {
        return new CellLog(command, -1);
    }

    static CellLog upToButExcluding(int command) {
        return new CellLog(-1, command);
    }

    /** Feeds bytes without consuming them. */
    void feed(ByteBuf bytes) {
        int index = bytes.readerIndex();
        int end = bytes.writerIndex();
        while (index < end && !frozen) {
            if (bodyLeft < 0) {
                header[headerFill++] = bytes.getByte(index++);
                completeHeader();
            } else {
                int n = Math.min(bodyLeft, end - index);
                digest.update(bytes.nioBuffer(index, n));
                index += n;
                bodyLeft -= n;
                if (bodyLeft == 0) {
                    completeCell();
                }
            }
        }
    }

    private void completeHeader() {
        int circuitIdLength = wideCircuitIds ? 4 : 2;
        if (headerFill == circuitIdLength + 1) {
            command = Byte.toUnsignedInt(header[circuitIdLength]);
            if (command == stopBeforeCommand) {
                frozen = true;
                return;
            }
            if (!isVariableLength(command)) {
                digest.update(header, 0, headerFill);
                headerFill = 0;
                bodyLeft = FIXED_PAYLOAD;
            }
        } else if (headerFill == circuitIdLength + 3) {
            digest.update(header, 0, headerFill);
            bodyLeft = ((header[circuitIdLength + 1] & 0xFF) << 8) | (header[circuitIdLength + 2] & 0xFF);
            headerFill = 0;
            if (bodyLeft == 0) {
                completeCell();
            }
        }
    }

    private void completeCell() {
        bodyLeft = -1;
        if (command == VERSIONS) {
            wideCircuitIds = true;
        }
        if (command == stopAfterCommand) {
            frozen = true;
        }
    }

    private static boolean isVariableLength(int command) {
        return command == VERSIONS || command >= 128;
    }

    /** Whether the cut point has been reached. */
    boolean complete() {
        return frozen;
    }

    byte[] digest() {
        return digest.currentValue();
    }
}
