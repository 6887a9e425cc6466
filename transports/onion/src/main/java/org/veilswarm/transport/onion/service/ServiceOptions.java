package org.veilswarm.transport.onion.service;

import java.util.ArrayList;
import java.util.List;
import org.veilswarm.crypto.X25519;

/**
 * How one onion service is published beyond its key and port.
 *
 * @param authorizedClients X25519 public keys (KP_hsc_desc_enc) of the clients allowed to read the
 *     descriptor's inner layer (rend-spec-v3 §2.5.1.2, "client authorization" as OnionShare uses it for
 *     private shares); empty: anyone who knows the address may connect
 */
public record ServiceOptions(List<byte[]> authorizedClients) {
    /** A public service: no client authorization. */
    public static final ServiceOptions PUBLIC = new ServiceOptions(List.of());

    public ServiceOptions {
        List<byte[]> copies = new ArrayList<>();
        for (byte[] key : authorizedClients) {
            if (key == null || key.length != X25519.KEY_LENGTH) {
                throw new IllegalArgumentException("an authorized client key is an X25519 public key of "
                        + X25519.KEY_LENGTH + " bytes, got " + (key == null ? "null" : key.length + " bytes"));
            }
            copies.add(key.clone());
        }
        authorizedClients = List.copyOf(copies);
    }

    /** Only the holders of the secret keys of {@code clientPublicKeys} may reach the service. */
    public static ServiceOptions authorizedClients(List<byte[]> clientPublicKeys) {
        return new ServiceOptions(clientPublicKeys);
    }

    @Override
    public List<byte[]> authorizedClients() {
        return authorizedClients.stream().map(byte[]::clone).toList();
    }

    public boolean clientAuthorization() {
        return !authorizedClients.isEmpty();
    }

    @Override
    public String toString() {
        return "ServiceOptions[" + authorizedClients.size() + " authorized clients]";
    }
}
