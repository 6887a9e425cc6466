package org.veilswarm.peerwire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;

/**
 * What must hold for any input to the message decoder: the only failure is a {@link PeerWireException};
 * every buffer is released; and when nothing bencoded was decoded (bencoded dictionaries are re-encoded
 * canonically, so their bytes may differ), re-encoding the messages gives back the input they came from.
 */
final class DecoderProperty {

    private DecoderProperty() {
    }

    /** Feeds {@code input} in chunks whose sizes come from {@code chunking} (cycled; 0 = whole input). */
    static void check(byte[] input, int chunking) {
        if (input.length == 0) {
            return; // Unpooled's shared empty buffer is not reference counted
        }
        EmbeddedChannel ch = Wire.decoderChannel();
        ByteBuf whole = Unpooled.wrappedBuffer(input);
        ByteArrayOutputStream reencoded = new ByteArrayOutputStream();
        boolean canonicalised = false;
        try {
            int pos = 0;
            while (pos < input.length && ch.isOpen()) {
                int n = chunking == 0 ? input.length : Math.min(input.length - pos, 1 + (chunking + pos) % 97);
                ch.writeInbound(whole.retainedSlice(pos, n));
                pos += n;
                for (Object m : Wire.drainInbound(ch)) {
                    canonicalised |= m instanceof ExtendedHandshake || m instanceof MetadataRequest
                            || m instanceof MetadataReject || m instanceof MetadataData
                            || (m instanceof ExtendedMessage e && e.extendedId() == Wire.UT_METADATA_ID);
                    reencoded.writeBytes(Wire.encode(ch, m));
                }
            }
        } catch (DecoderException e) {
            if (!(e instanceof PeerWireException)) {
                throw new AssertionError("only PeerWireException may escape the decoder", e);
            }
            // Whatever was decoded before the error still re-encodes to its input below.
        } catch (IllegalArgumentException | IllegalStateException | IndexOutOfBoundsException e) {
            throw new AssertionError("unexpected " + e.getClass().getSimpleName() + " from the codec", e);
        } finally {
            List<Object> rest = Wire.drainInbound(ch);
            Wire.releaseAll(rest);
            ch.finishAndReleaseAll();
            whole.release();
        }
        assertEquals(0, whole.refCnt(), "input fully released");
        byte[] out = reencoded.toByteArray();
        if (!canonicalised) {
            assertArrayEquals(Arrays.copyOf(input, Math.min(out.length, input.length)), out,
                    "re-encoded messages are the bytes they were decoded from");
        }
    }
}
