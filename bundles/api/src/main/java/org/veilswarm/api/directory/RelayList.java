package org.veilswarm.api.directory;

import java.util.List;
import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Every verified relay of the current directory that carries a flag. A {@link RelaySampler} only picks at
 * random; some users need the whole set, such as the onion-service hash ring, built from every relay with
 * {@link RelayFlag#HSDIR} (rend-spec-v3 §2.2.3), which a client and a service must compute alike. Directory
 * schemes register it beside their {@link DirectoryScheme} service, with the same {@link DirectoryScheme#SCHEME}
 * property.
 */
@ConsumerType
public interface RelayList {

    /**
     * The verified relays carrying {@code flag}, in a stable order (ascending identity). Completes
     * exceptionally with {@link DirectoryException} when no verified, currently valid directory is available.
     */
    CompletionStage<List<RelayDescriptor>> relaysWith(RelayFlag flag);
}
