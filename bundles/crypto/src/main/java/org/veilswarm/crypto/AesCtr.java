package org.veilswarm.crypto;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.Objects;
import javax.crypto.Cipher;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES in counter mode as a stateful stream cipher: each call continues the keystream where the
 * previous one stopped, whatever the split, which is what tor's relay crypto needs (tor-spec §0.3:
 * "128-bit AES in counter mode, with an IV of all 0 bytes"; the end-to-end layer of onion-service
 * circuits uses AES-256 keys from the hs-ntor key expansion of rend-spec-v3). Encryption and
 * decryption are the same operation.
 *
 * <p>Runs on the JDK's "AES/CTR/NoPadding" (AES-NI/VAES stub), 50 times faster than Bouncy
 * Castle's pure-Java {@code SICBlockCipher} (docs/crypto.md has the JMH figures). Two JDK
 * behaviours make it work in chunks of {@value #CHUNK_SIZE} bytes:
 * <ul>
 * <li>The AES stub replaces {@code CounterMode.implCrypt} only inside C2-compiled callers; with
 *     megabyte calls the callers stay cold and the JDK ran at 100-400 MiB/s for many seconds,
 *     while 16 KiB calls reached GiB/s within a second.</li>
 * <li>In-place {@code Cipher.update(buf, off, len, buf, off)} makes the JDK copy the input into a
 *     fresh array first. So in-place work is encrypted into a per-thread scratch array and copied
 *     back; direct {@link ByteBuffer}s (Netty's pooled buffers) go through two scratch arrays,
 *     which also avoids the JDK's per-call temporary arrays.</li>
 * </ul>
 *
 * <p>Not thread-safe: one instance is one direction of one circuit hop. The scratch arrays are
 * per thread (two of {@value #CHUNK_SIZE} bytes each), so instances stay small however many
 * circuits exist.
 */
public final class AesCtr {
    public static final int BLOCK_SIZE = 16;
    /** Largest single call into the JDK cipher; chosen by AesCtrChunkBenchmark. */
    static final int CHUNK_SIZE = 16 * 1024;

    private static final ThreadLocal<byte[][]> SCRATCH =
            ThreadLocal.withInitial(() -> new byte[][] {new byte[CHUNK_SIZE], new byte[CHUNK_SIZE]});

    private final Cipher cipher;
    private final int keyBits;
    private long position;

    private AesCtr(byte[] key, byte[] initialCounterBlock) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(initialCounterBlock, "initialCounterBlock");
        if (key.length != 16 && key.length != 24 && key.length != 32) {
            throw new IllegalArgumentException("AES key must be 16, 24 or 32 bytes, got " + key.length);
        }
        if (initialCounterBlock.length != BLOCK_SIZE) {
            throw new IllegalArgumentException(
                    "AES-CTR initial counter block must be 16 bytes, got " + initialCounterBlock.length);
        }
        try {
            cipher = Cipher.getInstance("AES/CTR/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(initialCounterBlock));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot provide AES/CTR/NoPadding", e);
        }
        keyBits = key.length * 8;
    }

    /** AES-128-CTR with the all-zero initial counter block tor uses (tor-spec §0.3). */
    public static AesCtr aes128(byte[] key) {
        if (Objects.requireNonNull(key, "key").length != 16) {
            throw new IllegalArgumentException("AES-128 key must be 16 bytes, got " + key.length);
        }
        return new AesCtr(key, new byte[BLOCK_SIZE]);
    }

    /** AES-256-CTR with an all-zero initial counter block. */
    public static AesCtr aes256(byte[] key) {
        if (Objects.requireNonNull(key, "key").length != 32) {
            throw new IllegalArgumentException("AES-256 key must be 32 bytes, got " + key.length);
        }
        return new AesCtr(key, new byte[BLOCK_SIZE]);
    }

    /**
     * AES-CTR with any key size and initial counter block; the whole 16-byte block is the
     * big-endian counter, as in NIST SP 800-38A.
     */
    public static AesCtr create(byte[] key, byte[] initialCounterBlock) {
        return new AesCtr(key, initialCounterBlock);
    }

    /** XORs the keystream into {@code buffer[offset, offset + length)} in place. */
    public void process(byte[] buffer, int offset, int length) {
        Objects.requireNonNull(buffer, "buffer");
        Objects.checkFromIndexSize(offset, length, buffer.length);
        byte[] scratch = SCRATCH.get()[0];
        int done = 0;
        while (done < length) {
            int n = Math.min(CHUNK_SIZE, length - done);
            update(buffer, offset + done, n, scratch, 0);
            System.arraycopy(scratch, 0, buffer, offset + done, n);
            done += n;
        }
    }

    /**
     * Writes {@code input[inputOffset, +length)} XOR keystream to {@code output[outputOffset, +length)}.
     * The ranges may be the same (then this is {@link #process(byte[], int, int)}) but must not
     * otherwise overlap.
     */
    public void process(byte[] input, int inputOffset, int length, byte[] output, int outputOffset) {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(output, "output");
        Objects.checkFromIndexSize(inputOffset, length, input.length);
        Objects.checkFromIndexSize(outputOffset, length, output.length);
        if (input == output) {
            if (inputOffset == outputOffset) {
                process(input, inputOffset, length);
                return;
            }
            if (inputOffset < outputOffset + length && outputOffset < inputOffset + length) {
                throw new IllegalArgumentException("input and output ranges overlap without being equal");
            }
        }
        for (int done = 0; done < length; done += CHUNK_SIZE) {
            update(input, inputOffset + done, Math.min(CHUNK_SIZE, length - done), output, outputOffset + done);
        }
    }

    /** XORs the keystream into the buffer's remaining bytes in place; the position moves to the limit. */
    public void process(ByteBuffer buffer) {
        Objects.requireNonNull(buffer, "buffer");
        if (buffer.isReadOnly()) {
            throw new IllegalArgumentException("cannot encrypt a read-only buffer in place");
        }
        int start = buffer.position();
        int length = buffer.remaining();
        if (buffer.hasArray()) {
            process(buffer.array(), buffer.arrayOffset() + start, length);
        } else {
            byte[][] scratch = SCRATCH.get();
            int done = 0;
            while (done < length) {
                int n = Math.min(CHUNK_SIZE, length - done);
                buffer.get(start + done, scratch[0], 0, n);
                update(scratch[0], 0, n, scratch[1], 0);
                buffer.put(start + done, scratch[1], 0, n);
                done += n;
            }
        }
        buffer.position(start + length);
    }

    /** Bytes of keystream used so far. */
    public long position() {
        return position;
    }

    private void update(byte[] input, int inputOffset, int length, byte[] output, int outputOffset) {
        try {
            int written = cipher.update(input, inputOffset, length, output, outputOffset);
            if (written != length) {
                // CTR is a stream mode in the JDK: it never holds bytes back.
                throw new IllegalStateException("AES/CTR returned " + written + " of " + length + " bytes");
            }
        } catch (ShortBufferException e) {
            throw new IllegalStateException("output range checked above, yet too short", e);
        }
        position += length;
    }

    @Override
    public String toString() {
        return "AesCtr[AES-" + keyBits + ", position=" + position + "]";
    }
}
