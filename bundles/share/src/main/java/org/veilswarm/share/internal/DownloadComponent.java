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
import org.veilswarm.share.api.Download;
import org.veilswarm.share.api.Downloads;
import org.veilswarm.share.impl.DownloadService;
import org.veilswarm.share.impl.ShareContext;
import org.veilswarm.swarm.engine.SwarmEngine;
import org.veilswarm.tracker.api.TrackerShares;

/**
 * {@link Downloads} over the node's swarm engine, tracker, tracker store and transports. Thin: the work is in
 * {@link DownloadService}. Downloads are not kept across restarts yet (docs/shares.md).
 */
@Component(service = Downloads.class)
public final class DownloadComponent implements Downloads {
    static final String DATA_DIR = ShareComponent.DATA_DIR;

    private final List<Transport> transports = new CopyOnWriteArrayList<>();
    private final AtomicReference<TrackerStore> store = new AtomicReference<>();
    private final DownloadService downloads;

    @Activate
    public DownloadComponent(@Reference(name = "engine") SwarmEngine engine,
            @Reference(name = "trackerShares") TrackerShares trackerShares,
            @Reference(name = "identity") NodeIdentity identity, BundleContext context) {
        String data = context.getProperty(DATA_DIR);
        Path dataDir = data != null ? Path.of(data) : context.getDataFile("").toPath();
        int port = ShareComponent.peerPort(context);
        ShareContext shareContext = new ShareContext(engine, trackerShares, () -> Optional.ofNullable(store.get()),
                () -> List.copyOf(transports), Optional.of(identity), dataDir, port);
        this.downloads = new DownloadService(shareContext);
    }

    @Deactivate
    void deactivate() {
        downloads.close();
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

    @Override
    public Download add(String link, Path directory) {
        return downloads.add(link, directory);
    }

    @Override
    public List<Download> list() {
        return downloads.list();
    }

    @Override
    public Optional<Download> get(String id) {
        return downloads.get(id);
    }

    @Override
    public Download pause(String id) {
        return downloads.pause(id);
    }

    @Override
    public Download resume(String id) {
        return downloads.resume(id);
    }

    @Override
    public boolean remove(String id, boolean deleteFiles) {
        return downloads.remove(id, deleteFiles);
    }
}
