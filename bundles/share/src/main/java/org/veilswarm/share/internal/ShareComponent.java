package org.veilswarm.share.internal;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.veilswarm.api.node.NodeIdentity;
import org.veilswarm.api.tracker.TrackerStore;
import org.veilswarm.api.transport.Transport;
import org.veilswarm.share.api.RevealReport;
import org.veilswarm.share.api.Share;
import org.veilswarm.share.api.ShareOptions;
import org.veilswarm.share.api.ShareProgressListener;
import org.veilswarm.share.api.Shares;
import org.veilswarm.share.impl.ShareContext;
import org.veilswarm.share.impl.ShareService;
import org.veilswarm.swarm.engine.SwarmEngine;
import org.veilswarm.tracker.api.TrackerShares;

/**
 * {@link Shares} over the node's swarm engine, tracker, tracker store and transports. Thin: the work is in
 * {@link ShareService}. Shares are kept in
 * {@code <veilswarm.data.dir>/shares/} and restored on activation (the tracker's tokens are registered again,
 * since the tracker keeps none across its own restarts).
 */
@Component(service = Shares.class)
public final class ShareComponent implements Shares {
    static final String DATA_DIR = "veilswarm.data.dir";

    private final List<Transport> transports = new CopyOnWriteArrayList<>();
    private final AtomicReference<TrackerStore> store = new AtomicReference<>();
    private final ShareService shares;

    @Activate
    public ShareComponent(@Reference(name = "engine") SwarmEngine engine,
            @Reference(name = "trackerShares") TrackerShares trackerShares,
            @Reference(name = "identity") NodeIdentity identity, BundleContext context) {
        String data = context.getProperty(DATA_DIR);
        Path dataDir = data != null ? Path.of(data) : context.getDataFile("").toPath();
        int port = peerPort(context);
        ShareContext shareContext = new ShareContext(engine, trackerShares, () -> Optional.ofNullable(store.get()),
                () -> List.copyOf(transports), Optional.of(identity), dataDir, port);
        this.shares = new ShareService(shareContext);
        shares.start();
    }

    static int peerPort(BundleContext context) {
        var ref = context.getServiceReference(SwarmEngine.class);
        Object port = ref == null ? null : ref.getProperty(SwarmEngineComponent.PORT_PROPERTY);
        return port instanceof Integer p ? p : SwarmEngineComponent.DEFAULT_PORT;
    }

    @Deactivate
    void deactivate() {
        shares.close();
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

    // --- Shares ------------------------------------------------------------------------------------------

    @Override
    public RevealReport preview(Path path) {
        return shares.preview(path);
    }

    @Override
    public Share create(Path path, ShareOptions options, ShareProgressListener listener) {
        return shares.create(path, options, listener);
    }

    @Override
    public List<Share> list() {
        return shares.list();
    }

    @Override
    public Optional<Share> get(String id) {
        return shares.get(id);
    }

    @Override
    public Share publish(String id, boolean revokePrivate) {
        return shares.publish(id, revokePrivate);
    }

    @Override
    public Share revoke(String id, org.veilswarm.api.tracker.Visibility visibility) {
        return shares.revoke(id, visibility);
    }

    @Override
    public boolean remove(String id) {
        return shares.remove(id);
    }
}
