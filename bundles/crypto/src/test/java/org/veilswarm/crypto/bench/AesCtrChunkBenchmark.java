package org.veilswarm.crypto.bench;

import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Picks {@code AesCtr.CHUNK_SIZE}: 1 MiB encrypted in place through a scratch array
 * (update into scratch, copy back), chunk by chunk, for several chunk sizes.
 *
 * <pre>
 * mvn -B -pl bundles/crypto -Pbench verify -Dbench.args="AesCtrChunkBenchmark"
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class AesCtrChunkBenchmark {
    private static final int SIZE = 1 << 20;

    @Param({"2048", "4096", "16384", "65536", "262144"})
    public int chunk;

    private byte[] buffer;
    private byte[] scratch;
    private Cipher jce;

    @Setup
    public void setUp() throws Exception {
        buffer = new byte[SIZE];
        scratch = new byte[chunk];
        jce = Cipher.getInstance("AES/CTR/NoPadding");
        jce.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(new byte[16], "AES"), new IvParameterSpec(new byte[16]));
    }

    @Benchmark
    public byte[] inPlaceThroughScratch() throws Exception {
        for (int offset = 0; offset < SIZE; offset += chunk) {
            int n = Math.min(chunk, SIZE - offset);
            jce.update(buffer, offset, n, scratch, 0);
            System.arraycopy(scratch, 0, buffer, offset, n);
        }
        return buffer;
    }
}
