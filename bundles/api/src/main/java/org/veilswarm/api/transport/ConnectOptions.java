package org.veilswarm.api.transport;

import java.util.Objects;
import java.util.Optional;

/**
 * How {@link Transport#connect(TransportAddress, io.netty.channel.ChannelInitializer, ConnectOptions)} reaches an
 * address beyond the address itself.
 *
 * @param clientAuthKey the secret key to open the descriptor of an onion service with client authorization
 *        (rend-spec-v3 §2.5.1.2; C tor's {@code ONION_CLIENT_AUTH_ADD}); harmless for a public service, whose
 *        descriptor opens without it. Without it a service that requires client authorization is refused with
 *        {@link TransportException.Reason#REFUSED} ("client authorization required").
 * @since 1.3
 */
public record ConnectOptions(Optional<ClientAuthSecretKey> clientAuthKey) {
    /** No options: what {@link Transport#connect(TransportAddress, io.netty.channel.ChannelInitializer)} does. */
    public static final ConnectOptions NONE = new ConnectOptions(Optional.empty());

    public ConnectOptions {
        Objects.requireNonNull(clientAuthKey, "clientAuthKey");
    }

    /** Connects with {@code key} for the service's client authorization. */
    public static ConnectOptions clientAuth(ClientAuthSecretKey key) {
        return new ConnectOptions(Optional.of(Objects.requireNonNull(key, "key")));
    }
}
