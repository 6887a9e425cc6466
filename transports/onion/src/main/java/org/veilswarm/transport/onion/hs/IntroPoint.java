package org.veilswarm.transport.onion.hs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.veilswarm.transport.onion.cert.Ed25519Cert;

/**
 * One {@code introduction-point} entry of the second descriptor layer (rend-spec-v3 §2.5.2.2).
 *
 * @param linkSpecifiers the raw link specifier block of §0.4 (NSPEC, then LSTYPE LSLEN LSPEC each), sent
 *     verbatim in EXTEND2 by the client
 * @param onionKey the intro point relay's ntor onion key (X25519)
 * @param authKeyCert type-09 certificate of KP_hs_ipt_sid, signed by the descriptor signing key
 * @param encKey KP_hss_ntor, the X25519 key INTRODUCE2 is encrypted to
 * @param encKeyCert type-0B certificate of the Ed25519 form of {@code encKey}, signed by the descriptor signing key
 * @param otherItems items this code does not interpret (e.g. onion keys of other types), each as its exact
 *     text; §2.5.2.2 asks clients to ignore them, and they are kept so that re-encoding gives the same bytes
 */
public record IntroPoint(byte[] linkSpecifiers, byte[] onionKey, Ed25519Cert authKeyCert, byte[] encKey,
        Ed25519Cert encKeyCert, List<String> otherItems) {

    /** One link specifier of the block: LSTYPE and LSPEC. */
    public record LinkSpec(int type, byte[] value) {
        public LinkSpec {
            if (type < 0 || type > 255 || value.length > 255) {
                throw new IllegalArgumentException("link specifier type 0..255 and at most 255 bytes");
            }
            value = value.clone();
        }

        @Override
        public byte[] value() {
            return value.clone();
        }
    }

    public IntroPoint {
        linkSpecifiers = linkSpecifiers.clone();
        parseLinkSpecifiers(linkSpecifiers);
        HsKeys.requireKey(onionKey, "onion-key");
        HsKeys.requireKey(encKey, "enc-key");
        onionKey = onionKey.clone();
        encKey = encKey.clone();
        otherItems = List.copyOf(otherItems);
    }

    /** An intro point with only the items this code writes. */
    public IntroPoint(byte[] linkSpecifiers, byte[] onionKey, Ed25519Cert authKeyCert, byte[] encKey,
            Ed25519Cert encKeyCert) {
        this(linkSpecifiers, onionKey, authKeyCert, encKey, encKeyCert, List.of());
    }

    /** The block for a list of specifiers. */
    public static byte[] encodeLinkSpecifiers(List<LinkSpec> specs) {
        if (specs.isEmpty() || specs.size() > 255) {
            throw new IllegalArgumentException("1 to 255 link specifiers, got " + specs.size());
        }
        int length = 1;
        for (LinkSpec spec : specs) {
            length += 2 + spec.value().length;
        }
        byte[] block = new byte[length];
        block[0] = (byte) specs.size();
        int pos = 1;
        for (LinkSpec spec : specs) {
            byte[] value = spec.value();
            block[pos++] = (byte) spec.type();
            block[pos++] = (byte) value.length;
            System.arraycopy(value, 0, block, pos, value.length);
            pos += value.length;
        }
        return block;
    }

    /**
     * Splits a link specifier block, refusing truncation, trailing bytes and an empty list.
     *
     * @throws IllegalArgumentException naming the problem
     */
    public static List<LinkSpec> parseLinkSpecifiers(byte[] block) {
        if (block.length < 1 || block[0] == 0) {
            throw new IllegalArgumentException("link specifier block is empty");
        }
        int count = block[0] & 0xff;
        List<LinkSpec> specs = new ArrayList<>(count);
        int pos = 1;
        for (int i = 0; i < count; i++) {
            if (pos + 2 > block.length) {
                throw new IllegalArgumentException("link specifier " + i + " truncated");
            }
            int type = block[pos] & 0xff;
            int length = block[pos + 1] & 0xff;
            pos += 2;
            if (pos + length > block.length) {
                throw new IllegalArgumentException("link specifier " + i + " value truncated");
            }
            specs.add(new LinkSpec(type, Arrays.copyOfRange(block, pos, pos + length)));
            pos += length;
        }
        if (pos != block.length) {
            throw new IllegalArgumentException((block.length - pos) + " bytes after the link specifiers");
        }
        return specs;
    }

    public List<LinkSpec> linkSpecifierList() {
        return parseLinkSpecifiers(linkSpecifiers);
    }

    /** KP_hs_ipt_sid, the key the certificate in {@code auth-key} certifies. */
    public byte[] authKey() {
        return authKeyCert.certifiedKey();
    }

    @Override
    public byte[] linkSpecifiers() {
        return linkSpecifiers.clone();
    }

    @Override
    public byte[] onionKey() {
        return onionKey.clone();
    }

    @Override
    public byte[] encKey() {
        return encKey.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IntroPoint other && Arrays.equals(linkSpecifiers, other.linkSpecifiers)
                && Arrays.equals(onionKey, other.onionKey) && authKeyCert.equals(other.authKeyCert)
                && Arrays.equals(encKey, other.encKey) && encKeyCert.equals(other.encKeyCert)
                && otherItems.equals(other.otherItems);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(onionKey) * 31 + authKeyCert.hashCode();
    }
}
