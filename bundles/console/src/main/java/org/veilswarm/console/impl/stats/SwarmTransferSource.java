package org.veilswarm.console.impl.stats;

import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.veilswarm.swarm.engine.SwarmEngine;
import org.veilswarm.swarm.engine.TorrentSession;
import org.veilswarm.swarm.engine.TorrentStats;

/**
 * Reads uploads and downloads from the node's {@link SwarmEngine} service (registered by the share bundle). Active
 * only while that service exists (a mandatory reference), so this class is never loaded without the swarm bundle.
 */
@Component(service = TransferSource.class)
public final class SwarmTransferSource implements TransferSource {

    private final SwarmEngine engine;

    @Activate
    public SwarmTransferSource(@Reference SwarmEngine engine) {
        this.engine = engine;
    }

    @Override
    public TransferReading read() {
        // Keyed by the session object: a torrent added again is a new session whose counters start at zero.
        Map<Object, Long> uploaded = new IdentityHashMap<>();
        Map<Object, Long> downloaded = new IdentityHashMap<>();
        long uploadRate = 0;
        long downloadRate = 0;
        int peers = 0;
        int torrents = 0;
        for (TorrentSession session : engine.torrents()) {
            TorrentStats stats = session.stats();
            uploaded.put(session, stats.uploaded());
            downloaded.put(session, stats.downloaded());
            uploadRate += stats.uploadRate();
            downloadRate += stats.downloadRate();
            peers += stats.peers().size();
            torrents++;
        }
        return new TransferReading(new HashMap<>(uploaded), new HashMap<>(downloaded), uploadRate, downloadRate,
                torrents, peers);
    }
}
