package org.veilswarm.transport.onion.hs;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.veilswarm.crypto.AllZeroSharedSecretException;
import org.veilswarm.crypto.Ed25519;
import org.veilswarm.crypto.Ed25519KeyPair;
import org.veilswarm.crypto.Randoms;
import org.veilswarm.crypto.X25519;
import org.veilswarm.crypto.X25519KeyPair;
import org.veilswarm.transport.onion.cert.Ed25519Cert;

/**
 * Builds, encrypts and signs the descriptor of an onion service for one time period (rend-spec-v3 §2.4,
 * §2.5): the blinded key certifies a descriptor signing key (fresh per builder unless given), which signs
 * the document and certifies every intro point's auth key and enc key. Without authorized clients the first
 * layer still carries an ephemeral key and 16 fake auth-client lines (§2.5.1.4); with them, their count is
 * padded with fake lines to a multiple of 16 and the order shuffled.
 *
 * <p>Not thread-safe; build one descriptor per instance and period.
 */
public final class HsDescriptorBuilder {
    /** C tor's HS_DESC_CERT_LIFETIME: the certificates of a descriptor live 54 hours. */
    public static final Duration CERT_LIFETIME = Duration.ofHours(54);
    /** §2.5.1.4: the number of auth-client lines is a multiple of 16. */
    static final int AUTH_CLIENT_MULTIPLE = 16;

    /** What a service knows about one of its introduction points. */
    public record IntroPointSpec(byte[] linkSpecifiers, byte[] onionKey, byte[] authKey, byte[] encKey) {
        public IntroPointSpec {
            IntroPoint.parseLinkSpecifiers(linkSpecifiers);
            HsKeys.requireKey(onionKey, "onion key");
            HsKeys.requireKey(authKey, "auth key");
            HsKeys.requireKey(encKey, "enc key");
        }
    }

    private final byte[] identityKey;
    private final byte[] identityExpandedSecretKey;
    private final TimePeriod period;
    private final SecureRandom random;
    private Ed25519KeyPair signingKey;
    private Long revisionCounter;
    private int lifetimeMinutes = HsDescriptor.DEFAULT_LIFETIME_MINUTES;
    private Instant certExpiration;
    private final List<IntroPointSpec> introPoints = new ArrayList<>();
    private final List<byte[]> authorizedClients = new ArrayList<>();
    private boolean introAuthRequired;
    private int sendmeIncrement;

    /**
     * @param identityKey the service's Ed25519 public key (its onion address)
     * @param identityExpandedSecretKey its 64-byte expanded secret key ({@code ServiceKey.expandedSecretKey()})
     */
    public HsDescriptorBuilder(byte[] identityKey, byte[] identityExpandedSecretKey, TimePeriod period) {
        this(identityKey, identityExpandedSecretKey, period, Randoms.secureRandom());
    }

    public HsDescriptorBuilder(byte[] identityKey, byte[] identityExpandedSecretKey, TimePeriod period,
            SecureRandom random) {
        HsKeys.requireKey(identityKey, "identity key");
        if (!Arrays.equals(identityKey, Ed25519.publicKeyFromExpandedSecretKey(identityExpandedSecretKey))) {
            throw new IllegalArgumentException("the expanded secret key does not belong to the identity key");
        }
        this.identityKey = identityKey.clone();
        this.identityExpandedSecretKey = identityExpandedSecretKey.clone();
        this.period = Objects.requireNonNull(period, "period");
        this.random = Objects.requireNonNull(random, "random");
    }

    /**
     * The revision counter (§2.4); HSDirs keep the descriptor with the higher one. Default: the encrypted time
     * in period of Appendix F.2 ({@link RevisionCounter#forDescriptor}), which needs no stored state.
     */
    public HsDescriptorBuilder revisionCounter(long revision) {
        this.revisionCounter = revision;
        return this;
    }

    public HsDescriptorBuilder lifetimeMinutes(int minutes) {
        if (minutes < HsDescriptor.MIN_LIFETIME_MINUTES || minutes > HsDescriptor.MAX_LIFETIME_MINUTES) {
            throw new IllegalArgumentException("descriptor lifetime 30..720 minutes, got " + minutes);
        }
        this.lifetimeMinutes = minutes;
        return this;
    }

    /** Uses this descriptor signing key instead of a fresh one (a service may keep one per period). */
    public HsDescriptorBuilder signingKey(Ed25519KeyPair key) {
        this.signingKey = Objects.requireNonNull(key, "key");
        return this;
    }

    /** When the certificates expire; default {@code now + 54 h} at {@link #build(Instant)}. */
    public HsDescriptorBuilder certExpiration(Instant expiration) {
        this.certExpiration = Objects.requireNonNull(expiration, "expiration");
        return this;
    }

    public HsDescriptorBuilder introPoint(IntroPointSpec spec) {
        if (introPoints.size() == SecondLayer.MAX_INTRO_POINTS) {
            throw new IllegalArgumentException("at most " + SecondLayer.MAX_INTRO_POINTS + " introduction points");
        }
        introPoints.add(Objects.requireNonNull(spec, "spec"));
        return this;
    }

    /** Restricts the descriptor to clients holding the X25519 secret key of {@code clientPublicKey}. */
    public HsDescriptorBuilder authorizedClient(byte[] clientPublicKey) {
        HsKeys.requireKey(clientPublicKey, "client public key");
        authorizedClients.add(clientPublicKey.clone());
        return this;
    }

    public HsDescriptorBuilder introAuthRequired(boolean required) {
        this.introAuthRequired = required;
        return this;
    }

    /**
     * Advertises congestion control with a SENDME every {@code sendmeIncrement} cells (proposal 324 §9.1); 0 (the
     * default) writes no {@code flow-control} line, so clients keep the fixed windows.
     */
    public HsDescriptorBuilder flowControl(int sendmeIncrement) {
        if (sendmeIncrement < 0 || sendmeIncrement > 255) {
            throw new IllegalArgumentException("sendme increment must be 0..255, got " + sendmeIncrement);
        }
        this.sendmeIncrement = sendmeIncrement;
        return this;
    }

    /**
     * Builds, encrypts and signs the descriptor.
     *
     * @throws IllegalStateException if it would exceed the 50,000 bytes HSDirs accept
     */
    public HsDescriptor build(Instant now) {
        BlindedKeyPair blinded = HsKeys.blindedKeyPair(identityKey, identityExpandedSecretKey, period);
        try {
            Ed25519KeyPair signer = signingKey != null ? signingKey : Ed25519.generateKeyPair(random);
            Instant expiration = certExpiration != null ? certExpiration : now.plus(CERT_LIFETIME);
            byte[] blindedKey = blinded.publicKey();
            long revisionCounter = this.revisionCounter != null ? this.revisionCounter
                    : RevisionCounter.forDescriptor(blinded, period, now);
            byte[] subcredential = HsKeys.subcredential(identityKey, blindedKey);

            Ed25519Cert signingCert = Ed25519Cert.sign(Ed25519Cert.HS_BLINDED_ID_V_SIGNING, Ed25519Cert.KEY_ED25519,
                    signer.publicKey(), expiration, blindedKey, blinded::sign, true);

            List<IntroPoint> points = new ArrayList<>();
            for (IntroPointSpec spec : introPoints) {
                Ed25519Cert authCert = Ed25519Cert.sign(Ed25519Cert.HS_SIGNING_V_INTRO_AUTH, Ed25519Cert.KEY_ED25519,
                        spec.authKey(), expiration, signer, true);
                Ed25519Cert encCert = Ed25519Cert.sign(Ed25519Cert.HS_SIGNING_V_NTOR_ENC, Ed25519Cert.KEY_ED25519,
                        Ed25519.publicKeyFromX25519(spec.encKey(), 0), expiration, signer, true);
                points.add(new IntroPoint(spec.linkSpecifiers(), spec.onionKey(), authCert, spec.encKey(), encCert));
            }
            byte[] secondPlain = SecondLayer.of(points, introAuthRequired, sendmeIncrement).encode();

            byte[] cookie = authorizedClients.isEmpty() ? new byte[0] : randomBytes(AuthClient.COOKIE_LENGTH);
            X25519KeyPair ephemeral = X25519.generateKeyPair(random);
            List<AuthClient> clients = authClients(ephemeral, subcredential, cookie);
            byte[] secondBlob = DescriptorCipher.encrypt(concat(blindedKey, cookie), subcredential, revisionCounter,
                    DescriptorCipher.ENCRYPTED_CONSTANT, secondPlain);
            FirstLayer first = new FirstLayer(ephemeral.publicKey(), clients, secondBlob, false);
            ephemeral.destroy();
            byte[] firstBlob = DescriptorCipher.encrypt(blindedKey, subcredential, revisionCounter,
                    DescriptorCipher.SUPERENCRYPTED_CONSTANT, first.encodePadded());
            HsDescriptor descriptor = HsDescriptor.sign(lifetimeMinutes, signingCert, revisionCounter, firstBlob,
                    signer::sign);
            if (descriptor.size() > HsDescriptor.MAX_SIZE) {
                // The first layer is padded in steps of 10,000 bytes: 20 intro points leave room for about 70
                // authorized clients, 3 intro points for about 370.
                throw new IllegalStateException("descriptor of " + descriptor.size() + " bytes exceeds the "
                        + HsDescriptor.MAX_SIZE + " HSDirs accept: " + introPoints.size() + " intro points and "
                        + authorizedClients.size() + " authorized clients are too many together");
            }
            return descriptor;
        } finally {
            blinded.destroy();
        }
    }

    private List<AuthClient> authClients(X25519KeyPair ephemeral, byte[] subcredential, byte[] cookie) {
        List<AuthClient> clients = new ArrayList<>();
        for (byte[] clientKey : authorizedClients) {
            try {
                byte[] keys = ClientAuth.keys(subcredential, ephemeral.privateKey(), clientKey);
                byte[] iv = randomBytes(AuthClient.IV_LENGTH);
                clients.add(new AuthClient(ClientAuth.clientId(keys), iv, ClientAuth.crypt(keys, iv, cookie)));
                Arrays.fill(keys, (byte) 0);
            } catch (AllZeroSharedSecretException e) {
                throw new IllegalArgumentException("authorized client key is a small-order point", e);
            }
        }
        int target = Math.max(AUTH_CLIENT_MULTIPLE,
                (clients.size() + AUTH_CLIENT_MULTIPLE - 1) / AUTH_CLIENT_MULTIPLE * AUTH_CLIENT_MULTIPLE);
        while (clients.size() < target) {
            clients.add(new AuthClient(randomBytes(AuthClient.CLIENT_ID_LENGTH), randomBytes(AuthClient.IV_LENGTH),
                    randomBytes(AuthClient.COOKIE_LENGTH)));
        }
        Collections.shuffle(clients, random);
        return clients;
    }

    private byte[] randomBytes(int n) {
        byte[] out = new byte[n];
        random.nextBytes(out);
        return out;
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
