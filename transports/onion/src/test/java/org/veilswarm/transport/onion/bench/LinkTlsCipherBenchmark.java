package org.veilswarm.transport.onion.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Sealing one full TLS record (16 KiB of cells) with each AEAD a link can negotiate, through the JDK provider the
 * links' TLS uses: the measurement behind {@code LinkCipherSuites} (docs/performance.md, "Onion links", session 21).
 * Run it once with C2 and once as the small-footprint profile runs nodes, C1 only:
 * <pre>
 * mvn -B -pl transports/onion -Pbench verify -DskipTests "-Dbench.args=LinkTlsCipher -f 1 -wi 3 -i 5"
 * mvn -B -pl transports/onion -Pbench verify -DskipTests \
 *     "-Dbench.args=LinkTlsCipher -f 1 -wi 3 -i 5 -jvmArgsAppend -XX:TieredStopAtLevel=1"
 * </pre>
 * Each operation is one record; MiB/s = score × 16,384 × 1,000 / 1,048,576 with the score in records per ms.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class LinkTlsCipherBenchmark {
    /** TLS 1.3's record AEADs (RFC 8446 §B.4): AES-128-GCM, AES-256-GCM, ChaCha20-Poly1305. */
    @Param({"AES_128_GCM", "AES_256_GCM", "CHACHA20_POLY1305"})
    public String aead;

    private static final int RECORD = 16_384;
    private static final int TAG = 16;

    private Cipher cipher;
    private SecretKeySpec key;
    private final byte[] nonce = new byte[12];
    private final byte[] plain = new byte[RECORD];
    private final byte[] sealed = new byte[RECORD + TAG];
    private long sequence;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        new Random(1).nextBytes(plain);
        switch (aead) {
            case "AES_128_GCM" -> {
                cipher = Cipher.getInstance("AES/GCM/NoPadding");
                key = new SecretKeySpec(new byte[16], "AES");
            }
            case "AES_256_GCM" -> {
                cipher = Cipher.getInstance("AES/GCM/NoPadding");
                key = new SecretKeySpec(new byte[32], "AES");
            }
            case "CHACHA20_POLY1305" -> {
                cipher = Cipher.getInstance("ChaCha20-Poly1305");
                key = new SecretKeySpec(new byte[32], "ChaCha20");
            }
            default -> throw new IllegalArgumentException(aead);
        }
    }

    @Benchmark
    public byte[] sealRecord() throws Exception {
        // A fresh nonce per record, as TLS 1.3 derives one from the sequence number (RFC 8446 §5.3); the JDK
        // refuses to reuse a key and nonce pair for encryption.
        long n = ++sequence;
        for (int i = 0; i < 8; i++) {
            nonce[11 - i] = (byte) (n >>> (8 * i));
        }
        if (cipher.getAlgorithm().startsWith("AES")) {
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG * 8, nonce));
        } else {
            cipher.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(nonce));
        }
        cipher.doFinal(plain, 0, RECORD, sealed, 0);
        return sealed;
    }
}
