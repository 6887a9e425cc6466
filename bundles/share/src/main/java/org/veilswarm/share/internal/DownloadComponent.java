package org.veilswarm.share.internal;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.veilswarm.api.node.NodeIdentity;
import org.veilswarm.share.api.Download;
import org.veilswarm.share.api.Downloads;
import org.veilswarm.share.impl.DownloadService;
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
public final class DownloadComponent extends ShareContextComponent implements Downloads {
    private final DownloadService downloads;

    @Activate
    public DownloadComponent(@Reference(name = "engine") SwarmEngine engine,
            @Reference(name = "trackerShares") TrackerShares trackerShares,
            @Reference(name = "identity") NodeIdentity identity, ShareComponent.Config config, BundleContext context) {
        this.downloads = new DownloadService(shareContext(engine, trackerShares, identity, config, context,
                Optional.empty(), 0));
        downloads.start();
    }

    @Deactivate
    void deactivate() {
        downloads.close();
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
