package org.veilswarm.share.internal;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.veilswarm.api.node.NodeIdentity;
import org.veilswarm.api.node.ServiceKeys;
import org.veilswarm.api.tracker.TrackerStore;
import org.veilswarm.api.transport.Transport;
import org.veilswarm.share.impl.ShareContext;
import org.veilswarm.swarm.engine.SwarmEngine;
import org.veilswarm.tracker.api.TrackerShares;

/**
 * What {@link ShareComponent} and {@link DownloadComponent} both take from the node: every transport (bound as they
 * come and go), the tracker store while there is one, the data directory and the swarm engine's peer port, put
 * together as a {@link ShareContext}. bnd reads the bind methods' annotations here because the share bundle builds
 * with {@code -dsannotations-options: inherit}; DS finds package-private bind methods in a superclass of the same
 * package (Compendium R8 112.3.1).
 */
abstract class ShareContextComponent {

    private final List<Transport> transports = new CopyOnWriteArrayList<>();
    private final AtomicReference<TrackerStore> store = new AtomicReference<>();

    /**
     * The context over the bound transports and store; {@code serviceKeys} and {@code servicesPerShare} only for
     * shares published on onion services of their own.
     */
    final ShareContext shareContext(SwarmEngine engine, TrackerShares trackerShares, NodeIdentity identity,
            ShareComponent.Config config, BundleContext context, Optional<ServiceKeys> serviceKeys,
            int servicesPerShare) {
        String data = context.getProperty(ShareComponent.DATA_DIR);
        Path dataDir = data != null ? Path.of(data) : context.getDataFile("").toPath();
        return new ShareContext(engine, trackerShares, () -> Optional.ofNullable(store.get()),
                () -> List.copyOf(transports), Optional.of(identity), dataDir, ShareComponent.peerPort(context),
                ShareComponent.linkSettings(config), serviceKeys, servicesPerShare);
    }

    @Reference(name = "transport", cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindTransport(Transport transport) {
        transports.add(transport);
    }

    void unbindTransport(Transport transport) {
        transports.remove(transport);
    }

    @Reference(name = "store", cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindStore(TrackerStore s) {
        store.set(s);
    }

    void unbindStore(TrackerStore s) {
        store.compareAndSet(s, null);
    }
}
