package org.veilswarm.crypto.bench;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.StreamCipher;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.SICBlockCipher;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.veilswarm.crypto.AesCtr;

/**
 * AES-128-CTR call patterns: one 509-byte relay cell per call versus 1 MiB per call, for the JDK's
 * cipher (in place, out of place, in place in 16 KiB chunks), Bouncy Castle's pure-Java
 * {@code SICBlockCipher}, and our {@link AesCtr} on heap arrays and direct buffers.
 * Scores are calls per second; MiB/s = score * size / 1048576.
 *
 * <p>Run (from the repository root; takes a few minutes):
 * <pre>
 * mvn -B -pl bundles/crypto -Pbench verify -Dbench.args="AesCtrBenchmark"
 * </pre>
 * Other JMH options go into {@code bench.args}, e.g. {@code -Dbench.args="AesCtr -f 1 -i 3"}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class AesCtrBenchmark {
    @Param({"509", "1048576"})
    public int size;

    private byte[] buffer;
    private byte[] output;
    private ByteBuffer direct;
    private Cipher jce;
    private StreamCipher bouncyCastle;
    private AesCtr aesCtr;

    @Setup
    public void setUp() throws Exception {
        byte[] key = new byte[16];
        byte[] iv = new byte[16];
        buffer = new byte[size];
        output = new byte[size];
        direct = ByteBuffer.allocateDirect(size);
        jce = Cipher.getInstance("AES/CTR/NoPadding");
        jce.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv));
        bouncyCastle = SICBlockCipher.newInstance(AESEngine.newInstance());
        bouncyCastle.init(true, new ParametersWithIV(new KeyParameter(key), iv));
        aesCtr = AesCtr.aes128(key);
    }

    @Benchmark
    public byte[] jceInPlace() throws Exception {
        jce.update(buffer, 0, size, buffer, 0);
        return buffer;
    }

    @Benchmark
    public byte[] jceOutOfPlace() throws Exception {
        jce.update(buffer, 0, size, output, 0);
        return output;
    }

    @Benchmark
    public byte[] jceInPlace16KiBChunks() throws Exception {
        for (int offset = 0; offset < size; offset += 16384) {
            int n = Math.min(16384, size - offset);
            jce.update(buffer, offset, n, buffer, offset);
        }
        return buffer;
    }

    @Benchmark
    public byte[] bouncyCastleSicInPlace() {
        bouncyCastle.processBytes(buffer, 0, size, buffer, 0);
        return buffer;
    }

    @Benchmark
    public byte[] aesCtrInPlace() {
        aesCtr.process(buffer, 0, size);
        return buffer;
    }

    @Benchmark
    public ByteBuffer aesCtrDirectBuffer() {
        direct.clear();
        aesCtr.process(direct);
        return direct;
    }
}
