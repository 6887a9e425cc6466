package org.veilswarm.transport.onion.cell;

import io.netty.buffer.ByteBuf;
import java.security.SecureRandom;

/**
 * Fills the unused end of a plaintext relay cell. tor-spec §6.1: "Implementations SHOULD fill this field
 * with four zero-valued bytes, followed by as many random bytes as will fit" so that cell contents are
 * unpredictable (proposal 289: SENDME digests must not be guessable). {@link RelayPayloadCodec} writes
 * the four zero bytes; an implementation writes the rest.
 */
@org.osgi.annotation.versioning.ConsumerType
@FunctionalInterface
public interface RelayPadding {
    /** NUL padding: deterministic, for tests and test vectors only. */
    RelayPadding ZEROS = (out, length) -> out.writeZero(length);

    /** Random padding from a per-thread {@link SecureRandom}, as tor-spec recommends. */
    RelayPadding RANDOM = new RelayPadding() {
        private final ThreadLocal<SecureRandom> random = ThreadLocal.withInitial(SecureRandom::new);
        private final ThreadLocal<byte[]> scratch = ThreadLocal.withInitial(() -> new byte[CellFormat.PAYLOAD_LEN]);

        @Override
        public void fill(ByteBuf out, int length) {
            byte[] bytes = scratch.get();
            random.get().nextBytes(bytes);
            out.writeBytes(bytes, 0, length);
        }
    };

    /** Writes {@code length} (at most 494) padding bytes to {@code out}. */
    void fill(ByteBuf out, int length);
}
