package org.veilswarm.api.transport;

import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * How {@link Transport#listen(ServiceKey, int, io.netty.channel.ChannelInitializer, ListenOptions)} publishes a
 * service beyond its key and port.
 *
 * @param authorizedClients the clients allowed to reach the service (rend-spec-v3 §2.5.1.2 client authorization,
 *        as OnionShare uses it for private shares; C tor's {@code ClientAuthV3=}): its descriptor opens only for the
 *        holders of the matching secret keys, anyone else cannot even learn its introduction points. Empty: a
 *        public service, reachable by whoever knows the address.
 * @since 1.3
 */
public record ListenOptions(Set<ClientAuthPublicKey> authorizedClients) {
    /** A public service. */
    public static final ListenOptions PUBLIC = new ListenOptions(Set.of());

    public ListenOptions {
        Objects.requireNonNull(authorizedClients, "authorizedClients");
        authorizedClients = java.util.Collections.unmodifiableSet(new LinkedHashSet<>(authorizedClients));
        if (authorizedClients.contains(null)) {
            throw new IllegalArgumentException("authorizedClients contains null");
        }
    }

    /** Only the holders of the secret keys of {@code clients} may reach the service. */
    public static ListenOptions authorizedOnly(ClientAuthPublicKey... clients) {
        if (clients.length == 0) {
            throw new IllegalArgumentException("client authorization needs at least one authorized client");
        }
        return new ListenOptions(new LinkedHashSet<>(java.util.Arrays.asList(clients)));
    }

    /** Whether the service requires client authorization. */
    public boolean clientAuthorization() {
        return !authorizedClients.isEmpty();
    }
}
