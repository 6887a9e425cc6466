package org.veilswarm.crypto.bench;

import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Shows how fast the JDK's AES-CTR gets, second by second, for one call size: large calls stay on
 * the slow path because the AES-NI stub is only used once the calling methods are C2-compiled
 * (docs/crypto.md). Not a JMH benchmark on purpose: the warm-up is what it measures.
 *
 * <pre>
 * mvn -B -pl bundles/crypto test-compile
 * java -cp bundles/crypto/target/test-classes org.veilswarm.crypto.bench.JdkCtrWarmup 1048576 12
 * </pre>
 */
public final class JdkCtrWarmup {
    private JdkCtrWarmup() {
    }

    public static void main(String[] args) throws Exception {
        int size = args.length > 0 ? Integer.parseInt(args[0]) : 1 << 20;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 12;
        Cipher cipher = Cipher.getInstance("AES/CTR/NoPadding");
        cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(new byte[16], "AES"), new IvParameterSpec(new byte[16]));
        byte[] input = new byte[size];
        byte[] output = new byte[size];
        long start = System.nanoTime();
        long intervalStart = start;
        long bytes = 0;
        while (System.nanoTime() - start < seconds * 1_000_000_000L) {
            cipher.update(input, 0, size, output, 0);
            bytes += size;
            long now = System.nanoTime();
            if (now - intervalStart >= 1_000_000_000L) {
                System.out.printf("t=%5.1f s  %,8.0f MiB/s%n", (now - start) / 1e9,
                        bytes / 1048576.0 / ((now - intervalStart) / 1e9));
                bytes = 0;
                intervalStart = now;
            }
        }
    }
}
