package org.veilswarm.crypto.bench;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.concurrent.TimeUnit;
import javax.crypto.KeyAgreement;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.veilswarm.crypto.AllZeroSharedSecretException;
import org.veilswarm.crypto.Ed25519;
import org.veilswarm.crypto.Ed25519KeyPair;
import org.veilswarm.crypto.X25519;
import org.veilswarm.crypto.X25519KeyPair;

/**
 * Ed25519 and X25519 through our API (Bouncy Castle underneath, plus our own edwards25519 ladder
 * for expanded and blinded keys) against the JDK's EdDSA and XDH providers.
 *
 * <pre>
 * mvn -B -pl bundles/crypto -Pbench verify -Dbench.args="PublicKeyBenchmark"
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PublicKeyBenchmark {
    private final byte[] message = new byte[100];
    private Ed25519KeyPair ours;
    private byte[] signature;
    private byte[] expanded;
    private byte[] blindingFactor;
    private KeyPair jdkEd25519;
    private byte[] jdkSignature;
    private X25519KeyPair alice;
    private byte[] bobPublic;
    private KeyPair jdkAlice;
    private KeyPair jdkBob;

    @Setup
    public void setUp() throws Exception {
        ours = Ed25519.generateKeyPair();
        signature = ours.sign(message);
        expanded = ours.expandedSecretKey();
        blindingFactor = new byte[32];
        blindingFactor[0] = 42;
        jdkEd25519 = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        Signature signer = Signature.getInstance("Ed25519");
        signer.initSign(jdkEd25519.getPrivate());
        signer.update(message);
        jdkSignature = signer.sign();
        alice = X25519.generateKeyPair();
        bobPublic = X25519.generateKeyPair().publicKey();
        KeyPairGenerator xdh = KeyPairGenerator.getInstance("X25519");
        jdkAlice = xdh.generateKeyPair();
        jdkBob = xdh.generateKeyPair();
    }

    @Benchmark
    public byte[] ed25519Sign() {
        return ours.sign(message);
    }

    @Benchmark
    public boolean ed25519Verify() {
        return Ed25519.verify(ours.publicKey(), message, signature);
    }

    @Benchmark
    public byte[] ed25519SignWithExpandedKey() {
        return Ed25519.signWithExpandedSecretKey(expanded, ours.publicKey(), message);
    }

    @Benchmark
    public byte[] ed25519BlindPublicKey() {
        return Ed25519.blindPublicKey(ours.publicKey(), blindingFactor);
    }

    @Benchmark
    public boolean jdkEd25519Verify() throws Exception {
        Signature verifier = Signature.getInstance("Ed25519");
        verifier.initVerify(jdkEd25519.getPublic());
        verifier.update(message);
        return verifier.verify(jdkSignature);
    }

    @Benchmark
    public byte[] x25519Agree() throws AllZeroSharedSecretException {
        return alice.agree(bobPublic);
    }

    @Benchmark
    public byte[] jdkX25519Agree() throws Exception {
        KeyAgreement agreement = KeyAgreement.getInstance("X25519");
        agreement.init(jdkAlice.getPrivate());
        agreement.doPhase(jdkBob.getPublic(), true);
        return agreement.generateSecret();
    }
}
