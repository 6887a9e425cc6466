package org.veilswarm.share.internal;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
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
 * {@link DownloadService}. Downloads are kept in {@code <veilswarm.data.dir>/downloads/} and restarted on
 * activation (paused ones stay paused; complete ones seed again). Configured with
 * {@link ShareComponent}'s PID: which transport reaches a link's host when several can.
 */
@Component(service = Downloads.class, configurationPid = ShareComponent.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
public final class DownloadComponent implements Downloads {
    static final String DATA_DIR = ShareComponent.DATA_DIR;

    private final List<Transport> transports = new CopyOnWriteArrayList<>();
    private final AtomicReference<TrackerStore> store = new AtomicReference<>();
    private final DownloadService downloads;

    @Activate
    public DownloadComponent(@Reference(name = "engine") SwarmEngine engine,
            @Reference(name = "trackerShares") TrackerShares trackerShares,
            @Reference(name = "identity") NodeIdentity identity, ShareComponent.Config config, BundleContext context) {
        String data = context.getProperty(DATA_DIR);
        Path dataDir = data != null ? Path.of(data) : context.getDataFile("").toPath();
        int port = ShareComponent.peerPort(context);
        ShareContext shareContext = new ShareContext(engine, trackerShares, () -> Optional.ofNullable(store.get()),
                () -> List.copyOf(transports), Optional.of(identity), dataDir, port, ShareComponent.linkSettings(config));
        this.downloads = new DownloadService(shareContext);
        downloads.start();
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
    public Download add(String link, Path directory, String clientAuthKey) {
        return downloads.add(link, directory, clientAuthKey);
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
