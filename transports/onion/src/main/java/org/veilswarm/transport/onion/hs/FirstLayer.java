package org.veilswarm.transport.onion.hs;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.veilswarm.crypto.X25519;

/**
 * The plaintext of the first (superencrypted) layer, rend-spec-v3 §2.5.1.2:
 * <pre>
 * desc-auth-type x25519
 * desc-auth-ephemeral-key &lt;padded base64 X25519 key&gt;
 * auth-client &lt;client-id&gt; &lt;iv&gt; &lt;encrypted-cookie&gt;   (one or more; unpadded base64)
 * encrypted + MESSAGE   (the second layer, §2.5.2)
 * </pre>
 * Before encryption it is padded with NUL bytes to a multiple of 10,000 (§2.5.1.1); C tor writes it without
 * a final newline, which {@link #encode()} imitates and {@link #parse} accepts either way.
 */
public record FirstLayer(byte[] ephemeralKey, List<AuthClient> authClients, byte[] encrypted, boolean finalNewline) {
    static final int PADDING_MULTIPLE = 10_000;
    private static final String AUTH_TYPE = "x25519";

    public FirstLayer {
        HsKeys.requireKey(ephemeralKey, "desc-auth-ephemeral-key");
        ephemeralKey = ephemeralKey.clone();
        authClients = List.copyOf(authClients);
        if (authClients.isEmpty()) {
            throw new IllegalArgumentException("at least one auth-client line is required (rend-spec-v3 §2.5.1.2)");
        }
        encrypted = encrypted.clone();
    }

    static FirstLayer parse(byte[] padded) throws DescriptorException {
        int length = padded.length;
        while (length > 0 && padded[length - 1] == 0) {
            length--;
        }
        byte[] text = java.util.Arrays.copyOf(padded, length);
        boolean finalNewline = length > 0 && text[length - 1] == '\n';
        List<NetDoc.Item> items = NetDoc.parse(text, true);
        if (items.size() < 4) {
            throw NetDoc.malformed("first layer has " + items.size() + " items; needs desc-auth-type, "
                    + "desc-auth-ephemeral-key, at least one auth-client and encrypted");
        }
        HsDescriptor.expect(items.get(0), "desc-auth-type", 1, null);
        if (!items.get(0).arg(0).equals(AUTH_TYPE)) {
            throw NetDoc.malformed("desc-auth-type " + items.get(0).arg(0) + ", only x25519 is defined");
        }
        HsDescriptor.expect(items.get(1), "desc-auth-ephemeral-key", 1, null);
        byte[] ephemeral = NetDoc.base64(items.get(1).arg(0), X25519.KEY_LENGTH, true, "desc-auth-ephemeral-key");
        List<AuthClient> clients = new ArrayList<>();
        for (int i = 2; i < items.size() - 1; i++) {
            NetDoc.Item item = items.get(i);
            HsDescriptor.expect(item, "auth-client", 3, null);
            clients.add(new AuthClient(
                    NetDoc.base64(item.arg(0), AuthClient.CLIENT_ID_LENGTH, false, "auth-client client-id"),
                    NetDoc.base64(item.arg(1), AuthClient.IV_LENGTH, false, "auth-client iv"),
                    NetDoc.base64(item.arg(2), AuthClient.COOKIE_LENGTH, false, "auth-client encrypted-cookie")));
        }
        NetDoc.Item last = items.get(items.size() - 1);
        HsDescriptor.expect(last, "encrypted", 0, "MESSAGE");
        return new FirstLayer(ephemeral, clients, last.object(), finalNewline);
    }

    /** The plaintext without padding. */
    byte[] encode() {
        StringBuilder out = new StringBuilder();
        NetDoc.appendItem(out, "desc-auth-type", AUTH_TYPE);
        NetDoc.appendItem(out, "desc-auth-ephemeral-key", NetDoc.base64(ephemeralKey, true));
        for (AuthClient client : authClients) {
            NetDoc.appendItem(out, "auth-client", NetDoc.base64(client.clientId(), false),
                    NetDoc.base64(client.iv(), false), NetDoc.base64(client.encryptedCookie(), false));
        }
        NetDoc.appendItem(out, "encrypted");
        NetDoc.appendObject(out, "MESSAGE", encrypted);
        if (!finalNewline) {
            out.setLength(out.length() - 1);
        }
        return out.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** The plaintext padded with NULs to the next multiple of 10,000 bytes (§2.5.1.1). */
    byte[] encodePadded() {
        byte[] plain = encode();
        int padded = Math.max(1, (plain.length + PADDING_MULTIPLE - 1) / PADDING_MULTIPLE) * PADDING_MULTIPLE;
        return java.util.Arrays.copyOf(plain, padded);
    }

    @Override
    public byte[] ephemeralKey() {
        return ephemeralKey.clone();
    }

    @Override
    public byte[] encrypted() {
        return encrypted.clone();
    }
}
