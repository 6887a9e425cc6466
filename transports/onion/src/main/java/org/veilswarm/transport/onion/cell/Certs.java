package org.veilswarm.transport.onion.cell;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.veilswarm.transport.onion.cell.CellFormatException.Defect;
import org.veilswarm.transport.onion.cell.CellFormatException.Scope;

/**
 * CERTS: the certificates a side presents during the link handshake, N times (CertType [1],
 * CLEN [2], Certificate [CLEN]). This class only frames them; checking them is the link
 * handshake's job. "A CERTS cell may have no more than one certificate of each CertType", which
 * decoding enforces; "any extra octets at the end of a CERTS cell MUST be ignored".
 *
 * @see <a href="https://spec.torproject.org/tor-spec/negotiating-channels.html">tor-spec §4.2 CERTS cells</a>
 */
public final class Certs implements Cell {
    /** CertType 1: link key certificate certified by RSA1024 identity (X.509). */
    public static final int RSA_LINK = 1;
    /** CertType 2: RSA1024 identity certificate, self-signed (X.509). */
    public static final int RSA_IDENTITY = 2;
    /** CertType 3: RSA1024 AUTHENTICATE cell link certificate (X.509). */
    public static final int RSA_AUTHENTICATE = 3;
    /** CertType 4: Ed25519 signing key, signed with the identity key (cert-spec). */
    public static final int ED25519_SIGNING = 4;
    /** CertType 5: TLS link certificate, signed with the Ed25519 signing key (cert-spec). */
    public static final int ED25519_TLS_LINK = 5;
    /** CertType 6: Ed25519 AUTHENTICATE cell key, signed with the Ed25519 signing key (cert-spec). */
    public static final int ED25519_AUTHENTICATE = 6;
    /** CertType 7: Ed25519 identity, signed with the RSA identity (cert-spec §2.3 cross-certificate). */
    public static final int RSA_ED25519_CROSS = 7;

    /** One certificate: its CertType and its encoded body. */
    public static final class Entry {
        private final int type;
        private final byte[] body;

        public Entry(int type, byte[] body) {
            this.type = Checks.unsigned(type, 8, "CertType");
            this.body = Checks.maxLength(body, 0xFFFF, "certificate");
        }

        public int type() {
            return type;
        }

        public byte[] body() {
            return body.clone();
        }

        int length() {
            return body.length;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Entry other && type == other.type && Arrays.equals(body, other.body);
        }

        @Override
        public int hashCode() {
            return 31 * type + Arrays.hashCode(body);
        }

        @Override
        public String toString() {
            return "Entry[type=" + type + ", " + Checks.shortHex(body) + "]";
        }
    }

    private final List<Entry> entries;

    public Certs(List<Entry> entries) {
        this.entries = List.copyOf(entries);
        if (this.entries.size() > 255) {
            throw new IllegalArgumentException("a CERTS cell holds at most 255 certificates");
        }
        Set<Integer> types = new HashSet<>();
        int length = 1;
        for (Entry entry : this.entries) {
            if (!types.add(entry.type())) {
                throw new IllegalArgumentException("CertType " + entry.type() + " twice (tor-spec §4.2)");
            }
            length += 3 + entry.length();
        }
        if (length > CellFormat.MAX_VAR_PAYLOAD_LEN) {
            throw new IllegalArgumentException("certificates need " + length + " bytes, more than a cell holds");
        }
    }

    public List<Entry> entries() {
        return entries;
    }

    /** The body of the certificate of this type, if present. */
    public Optional<byte[]> certificate(int type) {
        return entries.stream().filter(e -> e.type() == type).findFirst().map(Entry::body);
    }

    @Override
    public int circuitId() {
        return 0;
    }

    @Override
    public CellCommand command() {
        return CellCommand.CERTS;
    }

    static Certs decode(ByteBuf body) {
        BodyReader in = BodyReader.forCell(body, Scope.LINK, CellCommand.CERTS.code(), 0);
        int count = in.u8("N");
        List<Entry> entries = new ArrayList<>(count);
        Set<Integer> types = new HashSet<>();
        for (int i = 0; i < count; i++) {
            int type = in.u8("CertType");
            int length = in.u16("CLEN");
            byte[] certificate = in.bytes(length, "Certificate of CertType " + type);
            if (!types.add(type)) {
                throw in.error(Defect.DUPLICATE, "CertType " + type + " occurs twice");
            }
            entries.add(new Entry(type, certificate));
        }
        in.skipRest();
        return new Certs(entries);
    }

    void encodeBody(ByteBuf out) {
        out.writeByte(entries.size());
        for (Entry entry : entries) {
            out.writeByte(entry.type());
            out.writeShort(entry.length());
            out.writeBytes(entry.body);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Certs other && entries.equals(other.entries);
    }

    @Override
    public int hashCode() {
        return entries.hashCode();
    }

    @Override
    public String toString() {
        return "Certs" + entries;
    }
}
