package org.veilswarm.directory.core;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.api.directory.RelayFlag;
import org.veilswarm.api.directory.SignedRelayDescriptor;
import org.veilswarm.crypto.Digests;
import org.veilswarm.crypto.Ed25519KeyPair;

/**
 * The signed relay descriptor document: writing and signing. The grammar (docs/protocols/directory-descriptor.md)
 * follows Tor's document meta-format (dir-spec §1.2): one keyword line per item in a fixed order, and a
 * final Ed25519 signature over a domain-separated hash of every byte before the signature line (as
 * dir-spec §2.1.1 "router-sig-ed25519" signs a prefixed hash of the document up to it).
 * {@link RelayDescriptorParser} reads it back.
 */
public final class RelayDescriptorDocument {
    /** Upper bound on a whole document; a maximal legal one stays under 2 KiB (a test checks). */
    public static final int MAX_DOCUMENT_BYTES = 4096;
    public static final int MAX_OR_ADDRESSES = 4;
    public static final int MAX_FAMILY = 16;
    /** Bandwidths are capped (2^40 B/s, about 1 TB/s) so that sums over 2^20 relays fit in a signed long. */
    public static final long MAX_BANDWIDTH = 1L << 40;
    public static final int MAX_VERSION_LENGTH = 64;
    public static final String FORMAT_VERSION = "1";

    static final String KW_START = "veilswarm-relay-descriptor";
    static final String KW_IDENTITY = "identity-ed25519";
    static final String KW_NTOR = "ntor-onion-key";
    static final String KW_OR_ADDRESS = "or-address";
    static final String KW_BANDWIDTH = "bandwidth";
    static final String KW_FAMILY = "family";
    static final String KW_VERSION = "version";
    static final String KW_FLAG = "flag";
    static final String KW_PUBLISHED = "published";
    static final String KW_SIGNATURE = "signature-ed25519";

    /** Prefix of the signed hash, so a descriptor signature can never be replayed as another Veilswarm signature. */
    static final byte[] SIGNATURE_DOMAIN = "veilswarm-relay-descriptor-signature-v1".getBytes(StandardCharsets.US_ASCII);

    static final DateTimeFormatter PUBLISHED_FORMAT = DateTimeFormatter.ISO_INSTANT;

    private static final Base64.Encoder BASE64 = Base64.getEncoder().withoutPadding();

    private RelayDescriptorDocument() {
    }

    /**
     * Writes and signs the descriptor. {@code published} is truncated to whole seconds first, so what a parser
     * returns equals what was signed.
     *
     * @throws IllegalArgumentException if the key is not the descriptor's identity or a field exceeds the format's limits
     */
    public static SignedRelayDescriptor sign(RelayDescriptor descriptor, Ed25519KeyPair identityKey) {
        Objects.requireNonNull(identityKey, "identityKey");
        if (!Arrays.equals(identityKey.publicKey(), descriptor.identity())) {
            throw new IllegalArgumentException("the signing key is not the descriptor's identity key");
        }
        RelayDescriptor canonical = truncatePublished(descriptor);
        byte[] body = body(canonical);
        byte[] signature = identityKey.sign(signedHash(body, body.length));
        byte[] signatureLine = (KW_SIGNATURE + " " + BASE64.encodeToString(signature) + "\n")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] document = Arrays.copyOf(body, body.length + signatureLine.length);
        System.arraycopy(signatureLine, 0, document, body.length, signatureLine.length);
        return new SignedRelayDescriptor(canonical, document);
    }

    /** Everything before the signature line, in canonical form. */
    static byte[] body(RelayDescriptor d) {
        checkLimits(d);
        StringBuilder out = new StringBuilder(512);
        line(out, KW_START, FORMAT_VERSION);
        line(out, KW_IDENTITY, BASE64.encodeToString(d.identity()));
        line(out, KW_NTOR, BASE64.encodeToString(d.ntorOnionKey()));
        for (InetSocketAddress address : d.orAddresses()) {
            line(out, KW_OR_ADDRESS, formatAddress(address));
        }
        line(out, KW_BANDWIDTH, d.bandwidthObserved() + " " + d.bandwidthConfigured());
        d.family().stream().map(RelayDescriptor.Key::bytes).sorted(Arrays::compareUnsigned)
                .forEach(member -> line(out, KW_FAMILY, BASE64.encodeToString(member)));
        line(out, KW_VERSION, d.version());
        d.flags().stream().sorted().forEach(flag -> line(out, KW_FLAG, flag.name()));
        line(out, KW_PUBLISHED, PUBLISHED_FORMAT.format(d.published()));
        return out.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** SHA-256(domain || document[0, bodyLength)): the 32 bytes the identity key signs. */
    static byte[] signedHash(byte[] document, int bodyLength) {
        byte[] input = new byte[SIGNATURE_DOMAIN.length + bodyLength];
        System.arraycopy(SIGNATURE_DOMAIN, 0, input, 0, SIGNATURE_DOMAIN.length);
        System.arraycopy(document, 0, input, SIGNATURE_DOMAIN.length, bodyLength);
        return Digests.sha256(input);
    }

    /** {@code a.b.c.d:port} or {@code [x:x:x:x:x:x:x:x]:port} (each group lower-case hex without leading zeros). */
    static String formatAddress(InetSocketAddress address) {
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("OR addresses must be IP literals, not host names: " + address);
        }
        String host = address.getAddress().getHostAddress();
        if (address.getAddress() instanceof Inet6Address) {
            int scope = host.indexOf('%');
            if (scope >= 0) {
                throw new IllegalArgumentException("OR addresses cannot carry an IPv6 scope: " + address);
            }
            host = "[" + host.toLowerCase(Locale.ROOT) + "]";
        }
        return host + ":" + address.getPort();
    }

    private static void checkLimits(RelayDescriptor d) {
        if (d.orAddresses().size() > MAX_OR_ADDRESSES) {
            throw new IllegalArgumentException("at most " + MAX_OR_ADDRESSES + " OR addresses");
        }
        if (d.family().size() > MAX_FAMILY) {
            throw new IllegalArgumentException("at most " + MAX_FAMILY + " family members");
        }
        if (d.family().contains(d.identityKey())) {
            throw new IllegalArgumentException("a relay does not list itself as family");
        }
        if (d.bandwidthObserved() > MAX_BANDWIDTH || d.bandwidthConfigured() > MAX_BANDWIDTH) {
            throw new IllegalArgumentException("bandwidth above " + MAX_BANDWIDTH + " B/s");
        }
        if (!validVersion(d.version())) {
            throw new IllegalArgumentException("version must be 1-" + MAX_VERSION_LENGTH + " of [A-Za-z0-9._+-]");
        }
        for (InetSocketAddress a : d.orAddresses()) {
            if (a.getPort() == 0) {
                throw new IllegalArgumentException("OR port 0 is not a port: " + a);
            }
        }
    }

    static boolean validVersion(String version) {
        if (version.isEmpty() || version.length() > MAX_VERSION_LENGTH) {
            return false;
        }
        for (int i = 0; i < version.length(); i++) {
            char c = version.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == '+' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static RelayDescriptor truncatePublished(RelayDescriptor d) {
        Instant seconds = d.published().truncatedTo(ChronoUnit.SECONDS);
        if (seconds.equals(d.published())) {
            return d;
        }
        return new RelayDescriptor(d.identity(), d.ntorOnionKey(), d.orAddresses(), d.bandwidthObserved(),
                d.bandwidthConfigured(), d.family(), d.version(), d.flags(), seconds);
    }

    private static void line(StringBuilder out, String keyword, String argument) {
        out.append(keyword).append(' ').append(argument).append('\n');
    }

    /** The flag names as they appear on {@code flag} lines, in their required order. */
    static List<String> flagNames() {
        List<String> names = new ArrayList<>();
        for (RelayFlag flag : RelayFlag.values()) {
            names.add(flag.name());
        }
        return names;
    }
}
