package org.veilswarm.transport.tor.control;

import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/**
 * The answer to {@code PROTOCOLINFO 1} (control-spec §3.21). Methods tor lists that this client does
 * not know are left out of {@link #authMethods()}.
 */
public record ProtocolInfo(int protocolInfoVersion, Set<AuthMethod> authMethods, Optional<Path> cookieFile,
        String torVersion) {
    public ProtocolInfo {
        authMethods = Set.copyOf(authMethods);
    }
}
