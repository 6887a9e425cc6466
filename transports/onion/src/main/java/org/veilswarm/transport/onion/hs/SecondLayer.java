package org.veilswarm.transport.onion.hs;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.veilswarm.crypto.ConstantTime;
import org.veilswarm.crypto.Ed25519;
import org.veilswarm.transport.onion.cert.CertException;
import org.veilswarm.transport.onion.cert.Ed25519Cert;
import org.veilswarm.transport.onion.hs.DescriptorException.Reason;

/**
 * The plaintext of the second (encrypted) layer, rend-spec-v3 §2.5.2.2:
 * <pre>
 * create2-formats 2
 * [intro-auth-required ed25519]
 * [single-onion-service]
 * [other items]
 * introduction-point &lt;base64 link specifiers&gt;   (0 to 20 entries, each:)
 * onion-key ntor &lt;base64&gt;
 * auth-key + ED25519 CERT (type 09)
 * enc-key ntor &lt;base64&gt;
 * enc-key-cert + ED25519 CERT (type 0B)
 * [other items]
 * </pre>
 * Our services never write {@code single-onion-service}: every node is reached over full circuits. The
 * parser keeps it if present. {@code flow-control} (proposal 324 §9.1) is read by {@link #flowControl()} and
 * written by our services when they offer congestion control. Items this code does not interpret (newer C tor
 * versions write {@code pow-params}; an intro point may list onion keys of other types) are ignored as §2.5.2.2
 * asks, but kept verbatim so that re-encoding gives the same bytes; they must come after the known items of
 * their section (the order C tor writes), otherwise the layer is refused as not canonical.
 */
public record SecondLayer(List<Integer> create2Formats, List<String> introAuthRequired, boolean singleOnionService,
        List<String> otherItems, List<IntroPoint> introPoints) {
    /** §2.5.4: at most 20 introduction points. */
    public static final int MAX_INTRO_POINTS = 20;
    /** tor-spec §5.1: HTYPE 2 is ntor. */
    public static final int HTYPE_NTOR = 2;
    private static final String CERT = "ED25519 CERT";

    public SecondLayer {
        create2Formats = List.copyOf(create2Formats);
        introAuthRequired = List.copyOf(introAuthRequired);
        otherItems = List.copyOf(otherItems);
        introPoints = List.copyOf(introPoints);
        if (!create2Formats.contains(HTYPE_NTOR)) {
            throw new IllegalArgumentException("create2-formats must include ntor (2)");
        }
        if (introPoints.size() > MAX_INTRO_POINTS) {
            throw new IllegalArgumentException("at most " + MAX_INTRO_POINTS + " introduction points");
        }
    }

    /** The layer a service of ours writes: ntor only, no single-onion-service, nothing else. */
    public static SecondLayer of(List<IntroPoint> introPoints, boolean introAuthRequired) {
        return of(introPoints, introAuthRequired, 0);
    }

    /**
     * As {@link #of(List, boolean)}, advertising congestion control with a SENDME every {@code sendmeIncrement}
     * cells ({@code flow-control 1-2 <inc>}, proposal 324 §9.1) unless it is 0.
     */
    public static SecondLayer of(List<IntroPoint> introPoints, boolean introAuthRequired, int sendmeIncrement) {
        List<String> others = sendmeIncrement == 0 ? List.of()
                : List.of(new FlowControlLine(1, 2, sendmeIncrement).encode());
        return new SecondLayer(List.of(HTYPE_NTOR), introAuthRequired ? List.of("ed25519") : List.of(), false,
                others, introPoints);
    }

    /**
     * The {@code flow-control} line (proposal 324 §9.1), if the service wrote one: the FlowCtrl protocol versions
     * it supports and its {@code cc_sendme_inc}.
     *
     * @throws DescriptorException if the line is there but malformed, or appears twice
     */
    public java.util.Optional<FlowControlLine> flowControl() throws DescriptorException {
        FlowControlLine found = null;
        for (String item : otherItems) {
            if (item.startsWith(FlowControlLine.KEYWORD + " ") || item.startsWith(FlowControlLine.KEYWORD + "\n")) {
                if (found != null) {
                    throw NetDoc.malformed("flow-control appears twice");
                }
                found = FlowControlLine.parse(item);
            }
        }
        return java.util.Optional.ofNullable(found);
    }

    /**
     * {@code "flow-control" SP version-range SP sendme-inc NL} (proposal 324 §9.1). The version range is a
     * protocol-version list (dir-spec: ranges {@code a-b} or single versions, separated by commas); only its lowest
     * and highest entries are kept, which is enough to ask whether version 2 is within. Further values on the line
     * are ignored, as the proposal asks.
     */
    public record FlowControlLine(int minVersion, int maxVersion, int sendmeIncrement) {
        static final String KEYWORD = "flow-control";

        public FlowControlLine {
            if (minVersion < 0 || maxVersion < minVersion || sendmeIncrement < 1 || sendmeIncrement > 255) {
                throw new IllegalArgumentException("flow-control " + minVersion + "-" + maxVersion + " " + sendmeIncrement);
            }
        }

        /** Whether FlowCtrl version {@code version} is within the advertised range. */
        public boolean supports(int version) {
            return version >= minVersion && version <= maxVersion;
        }

        String encode() {
            return KEYWORD + " " + (minVersion == maxVersion ? String.valueOf(minVersion) : minVersion + "-" + maxVersion)
                    + " " + sendmeIncrement + "\n";
        }

        static FlowControlLine parse(String line) throws DescriptorException {
            String[] parts = line.strip().split(" ");
            if (parts.length < 3) {
                throw NetDoc.malformed("flow-control needs a version range and a sendme increment: " + line.strip());
            }
            int min = Integer.MAX_VALUE;
            int max = -1;
            // split with a limit of -1 keeps empty entries ("flow-control , 2" or "1,,2"), which must fail
            for (String entry : parts[1].split(",", -1)) {
                java.util.regex.Matcher m = VERSION_ENTRY.matcher(entry);
                if (!m.matches()) {
                    throw malformed(line);
                }
                int low = Integer.parseInt(m.group(1));
                int high = m.group(2) == null ? low : Integer.parseInt(m.group(2));
                if (high < low || high > 63) {
                    throw malformed(line);
                }
                min = Math.min(min, low);
                max = Math.max(max, high);
            }
            if (!SMALL_DECIMAL.matcher(parts[2]).matches()) {
                throw malformed(line);
            }
            int inc = Integer.parseInt(parts[2]);
            if (inc < 1 || inc > 255) {
                throw malformed(line);
            }
            return new FlowControlLine(min, max, inc);
        }

        /** dir-spec's protocol versions: canonical ASCII decimals, a single version or a range {@code a-b}. */
        private static final java.util.regex.Pattern VERSION_ENTRY =
                java.util.regex.Pattern.compile("(0|[1-9][0-9]{0,2})(?:-(0|[1-9][0-9]{0,2}))?");
        private static final java.util.regex.Pattern SMALL_DECIMAL = java.util.regex.Pattern.compile("[1-9][0-9]{0,2}");

        private static DescriptorException malformed(String line) {
            return NetDoc.malformed("flow-control: not a version range and a sendme increment (1..255): " + line.strip());
        }
    }

    static SecondLayer parse(byte[] text) throws DescriptorException {
        List<NetDoc.Item> items = NetDoc.parse(text, false);
        if (items.isEmpty()) {
            throw NetDoc.malformed("second layer is empty");
        }
        NetDoc.Item formats = items.get(0);
        if (!formats.keyword().equals("create2-formats") || formats.args().isEmpty() || formats.hasObject()) {
            throw NetDoc.malformed("second layer must start with create2-formats and at least one handshake type");
        }
        List<Integer> htypes = new ArrayList<>();
        for (String arg : formats.args()) {
            htypes.add((int) HsDescriptor.parseUnsigned(arg, "create2-formats type"));
        }
        if (!htypes.contains(HTYPE_NTOR)) {
            throw NetDoc.malformed("create2-formats " + htypes + " lacks ntor (2)");
        }
        List<String> authTypes = null;
        boolean single = false;
        List<String> others = new ArrayList<>();
        int i = 1;
        for (; i < items.size() && !items.get(i).keyword().equals("introduction-point"); i++) {
            NetDoc.Item item = items.get(i);
            switch (item.keyword()) {
                case "create2-formats" -> throw NetDoc.malformed("create2-formats appears twice");
                case "intro-auth-required" -> {
                    if (authTypes != null || item.args().isEmpty() || item.hasObject()) {
                        throw NetDoc.malformed("intro-auth-required must appear at most once, with at least one type");
                    }
                    authTypes = item.args();
                }
                case "single-onion-service" -> {
                    if (single) {
                        throw NetDoc.malformed("single-onion-service appears twice");
                    }
                    HsDescriptor.expect(item, "single-onion-service", 0, null);
                    single = true;
                }
                default -> others.add(NetDoc.encode(item));
            }
        }
        List<IntroPoint> points = new ArrayList<>();
        while (i < items.size()) {
            if (points.size() == MAX_INTRO_POINTS) {
                throw NetDoc.malformed("more than " + MAX_INTRO_POINTS + " introduction points (§2.5.4)");
            }
            int end = i + 1;
            while (end < items.size() && !items.get(end).keyword().equals("introduction-point")) {
                end++;
            }
            points.add(parseIntroPoint(items.subList(i, end), points.size()));
            i = end;
        }
        SecondLayer layer = new SecondLayer(htypes, authTypes == null ? List.of() : authTypes, single, others, points);
        layer.flowControl(); // a malformed flow-control line refuses the descriptor here, with its reason
        if (!java.util.Arrays.equals(text, layer.encode())) {
            throw NetDoc.malformed("second layer items are not in canonical order (known items of each section "
                    + "first, in the order of rend-spec-v3 §2.5.2.2)");
        }
        return layer;
    }

    private static IntroPoint parseIntroPoint(List<NetDoc.Item> items, int index) throws DescriptorException {
        String where = "introduction point " + index + ": ";
        HsDescriptor.expect(items.get(0), "introduction-point", 1, null);
        byte[] block;
        try {
            block = java.util.Base64.getDecoder().decode(items.get(0).arg(0));
            IntroPoint.parseLinkSpecifiers(block);
        } catch (IllegalArgumentException e) {
            throw NetDoc.malformed(where + "link specifiers: " + e.getMessage());
        }
        if (!items.get(0).arg(0).equals(NetDoc.base64(block, true))) {
            throw NetDoc.malformed(where + "link specifiers are not canonical base64");
        }
        byte[] onionKey = null;
        byte[] encKey = null;
        Ed25519Cert authCert = null;
        Ed25519Cert encCert = null;
        List<String> others = new ArrayList<>();
        for (NetDoc.Item item : items.subList(1, items.size())) {
            switch (item.keyword()) {
                case "introduction-point" -> throw new IllegalStateException("split above");
                case "onion-key", "enc-key" -> {
                    if (item.args().isEmpty() || !item.arg(0).equals("ntor")) {
                        others.add(NetDoc.encode(item)); // "other types of onion keys ... should be ignored"
                        continue;
                    }
                    if ((item.keyword().equals("onion-key") ? onionKey : encKey) != null) {
                        throw NetDoc.malformed(where + "two ntor " + item.keyword() + " lines");
                    }
                    byte[] key = ntorKey(item, item.keyword(), where);
                    if (item.keyword().equals("onion-key")) {
                        onionKey = key;
                    } else {
                        encKey = key;
                    }
                }
                case "auth-key" -> {
                    if (authCert != null) {
                        throw NetDoc.malformed(where + "two auth-key items");
                    }
                    HsDescriptor.expect(item, "auth-key", 0, CERT);
                    authCert = HsDescriptor.parseCert(item.object(), Ed25519Cert.HS_SIGNING_V_INTRO_AUTH,
                            where + "auth-key");
                }
                case "enc-key-cert" -> {
                    if (encCert != null) {
                        throw NetDoc.malformed(where + "two enc-key-cert items");
                    }
                    HsDescriptor.expect(item, "enc-key-cert", 0, CERT);
                    encCert = HsDescriptor.parseCert(item.object(), Ed25519Cert.HS_SIGNING_V_NTOR_ENC,
                            where + "enc-key-cert");
                }
                default -> others.add(NetDoc.encode(item));
            }
        }
        if (onionKey == null || authCert == null || encKey == null || encCert == null) {
            throw NetDoc.malformed(where + "needs exactly one each of onion-key ntor, auth-key, enc-key ntor and "
                    + "enc-key-cert");
        }
        return new IntroPoint(block, onionKey, authCert, encKey, encCert, others);
    }

    private static byte[] ntorKey(NetDoc.Item item, String keyword, String where) throws DescriptorException {
        HsDescriptor.expect(item, keyword, 2, null);
        return NetDoc.base64(item.arg(1), HsKeys.KEY_LENGTH, true, where + keyword);
    }

    byte[] encode() {
        StringBuilder out = new StringBuilder();
        NetDoc.appendItem(out, "create2-formats", create2Formats.stream().map(String::valueOf).toList());
        if (!introAuthRequired.isEmpty()) {
            NetDoc.appendItem(out, "intro-auth-required", introAuthRequired);
        }
        if (singleOnionService) {
            NetDoc.appendItem(out, "single-onion-service");
        }
        otherItems.forEach(out::append);
        for (IntroPoint point : introPoints) {
            NetDoc.appendItem(out, "introduction-point", NetDoc.base64(point.linkSpecifiers(), true));
            NetDoc.appendItem(out, "onion-key", "ntor", NetDoc.base64(point.onionKey(), true));
            NetDoc.appendItem(out, "auth-key");
            NetDoc.appendObject(out, CERT, point.authKeyCert().encoded());
            NetDoc.appendItem(out, "enc-key", "ntor", NetDoc.base64(point.encKey(), true));
            NetDoc.appendItem(out, "enc-key-cert");
            NetDoc.appendObject(out, CERT, point.encKeyCert().encoded());
            point.otherItems().forEach(out::append);
        }
        return out.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Checks every intro point's certificates: signed by the descriptor signing key (and naming it),
     * unexpired, and the enc-key-cert certifying the Ed25519 form (sign bit 0) of the enc-key.
     */
    void verify(byte[] descriptorSigningKey, Instant now) throws DescriptorException {
        for (int i = 0; i < introPoints.size(); i++) {
            IntroPoint point = introPoints.get(i);
            String where = "introduction point " + i + ": ";
            verifyCert(point.authKeyCert(), descriptorSigningKey, now, where + "auth-key");
            verifyCert(point.encKeyCert(), descriptorSigningKey, now, where + "enc-key-cert");
            byte[] expected;
            try {
                expected = Ed25519.publicKeyFromX25519(point.encKey(), 0);
            } catch (IllegalArgumentException e) {
                throw new DescriptorException(Reason.BAD_CERTIFICATE, where + "enc-key has no Ed25519 form");
            }
            if (!ConstantTime.equals(expected, point.encKeyCert().certifiedKey())) {
                throw new DescriptorException(Reason.BAD_CERTIFICATE,
                        where + "enc-key-cert certifies a key other than the enc-key");
            }
        }
    }

    private static void verifyCert(Ed25519Cert cert, byte[] signer, Instant now, String what)
            throws DescriptorException {
        if (cert.signedWithKey().isEmpty()) {
            throw new DescriptorException(Reason.BAD_CERTIFICATE, what + " lacks the mandatory signing-key extension");
        }
        try {
            cert.verify(signer, now);
        } catch (CertException e) {
            throw HsDescriptor.certProblem(what, e);
        }
    }
}
